# PKU-MMD phase II, cross-subject action instances (tools/data/pku_mmd_gendata.py).
_base_ = ['./ntu60_xsub.py']
ann_file = 'data/skeleton/pku_mmd2_3d.pkl'
num_classes = 51
