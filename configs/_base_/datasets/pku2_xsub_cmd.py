# pku2_xsub for CMD pretraining + kNN monitor (splits: xsub_train / xsub_val).
_base_ = ['./cmd_pretrain_skeleton.py']
ann_file = 'data/skeleton/pku_mmd2_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(bank=dict(ann_file=ann_file, split='xsub_train'),
                                   query=dict(ann_file=ann_file, split='xsub_val')))
test_dataloader = val_dataloader
