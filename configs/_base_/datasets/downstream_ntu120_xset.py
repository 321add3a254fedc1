# ntu120_xset labelled splits (xset_train / xset_val) for the downstream protocols.
_base_ = ['./downstream_skeleton.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_val'))
test_dataloader = val_dataloader
