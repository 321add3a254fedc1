# Linear evaluation of the motion stream (see the -joint config).
_base_ = ['./linear_bigru_1xb64-80e_ntu120-xset-3d-joint.py']
model = dict(modality='motion')
