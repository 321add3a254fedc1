# Linear evaluation of the bone stream (see the -joint config).
_base_ = ['./linear_stgcn-w16_1xb64-80e_ntu60-xsub-3d-joint.py']
model = dict(modality='bone')
