# ntu120_xsub labelled splits (xsub_train / xsub_val) for the downstream protocols.
_base_ = ['./downstream_skeleton.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
