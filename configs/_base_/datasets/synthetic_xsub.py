# The generated default data (tools/data/generate_synthetic.py): 12 actions on the NTU-25
# body, cross-subject.
_base_ = ['./ntu60_xsub.py']
ann_file = 'data/synthetic/synthetic_ntu25.pkl'
num_classes = 12
