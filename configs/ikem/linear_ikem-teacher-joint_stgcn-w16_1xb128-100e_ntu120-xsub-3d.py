# Linear evaluation of the IKEM six-modality teacher's joint stream, NTU-120 cross-subject.
_base_ = ['./_base_/ikem_linear.py']
pretrained = 'work_dirs/ikem-teacher_stgcn-w16_1xb128-300e_ntu120-xsub-3d/epoch_300.pth'
prefix = 'encoder_q.joint.backbone.'
ann_file = 'data/skeleton/ntu120_3d.pkl'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained, prefix=prefix)),
    cls_head=dict(num_classes=120))
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
