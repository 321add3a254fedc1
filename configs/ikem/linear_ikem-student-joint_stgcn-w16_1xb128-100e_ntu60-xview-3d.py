# Linear evaluation of the IKEM KD student's joint stream, NTU-60 cross-view.
_base_ = ['./_base_/ikem_linear.py']
pretrained = 'work_dirs/ikem-student_stgcn-w16_1xb128-150e_ntu60-xview-3d/epoch_150.pth'
prefix = 'encoder_student.joint.backbone.'
ann_file = 'data/skeleton/ntu60_3d.pkl'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained, prefix=prefix)),
    cls_head=dict(num_classes=60))
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = val_dataloader
