# ntu120_xset for CMD pretraining + kNN monitor (splits: xset_train / xset_val).
_base_ = ['./cmd_pretrain_skeleton.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_train'))
val_dataloader = dict(dataset=dict(bank=dict(ann_file=ann_file, split='xset_train'),
                                   query=dict(ann_file=ann_file, split='xset_val')))
test_dataloader = val_dataloader
