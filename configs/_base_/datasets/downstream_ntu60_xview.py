# ntu60_xview labelled splits (xview_train / xview_val) for the downstream protocols.
_base_ = ['./downstream_skeleton.py']
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = val_dataloader
