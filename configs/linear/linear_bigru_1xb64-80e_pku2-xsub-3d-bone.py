# Linear evaluation of the bone stream (see the -joint config).
_base_ = ['./linear_bigru_1xb64-80e_pku2-xsub-3d-joint.py']
model = dict(modality='bone')
