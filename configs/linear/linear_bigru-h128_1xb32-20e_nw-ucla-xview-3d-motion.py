# Linear evaluation on Northwestern-UCLA, motion stream (see the -joint config).
_base_ = ['./linear_bigru-h128_1xb32-20e_nw-ucla-xview-3d-joint.py']
model = dict(modality='motion')
