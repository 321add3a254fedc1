# Linear evaluation on MSR Action3D, bone stream (see the -joint config).
_base_ = ['./linear_bigru-h128_1xb32-20e_msr-xsub-3d-joint.py']
model = dict(modality='bone')
