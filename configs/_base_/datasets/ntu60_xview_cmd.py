# ntu60_xview for CMD pretraining + kNN monitor (splits: xview_train / xview_val).
_base_ = ['./cmd_pretrain_skeleton.py']
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(bank=dict(ann_file=ann_file, split='xview_train'),
                                   query=dict(ann_file=ann_file, split='xview_val')))
test_dataloader = val_dataloader
