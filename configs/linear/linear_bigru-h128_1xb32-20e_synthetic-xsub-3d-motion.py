# Linear evaluation of the motion stream (see the -joint config).
_base_ = ['./linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-joint.py']
model = dict(modality='motion')
