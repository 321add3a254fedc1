# NTU RGB+D 120, cross-subject (tools/data/ntu_gendata.py --benchmark ntu120).
_base_ = ['./ntu60_xsub.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
num_classes = 120
