# IKEM stage B: relational KD from the frozen NTU-60 cross-view teacher into joint/motion/bone
# students (1 GPU x 128). Train the teacher config first.
_base_ = ['../_base_/models/ikem_student_stgcn.py', './_base_/ikem_pretrain_data.py',
          './_base_/ikem_student_schedule.py']
teacher_checkpoint = 'work_dirs/ikem-teacher_stgcn-w16_1xb128-300e_ntu60-xview-3d/epoch_300.pth'
model = dict(teacher_checkpoint=teacher_checkpoint)
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(bank=dict(ann_file=ann_file, split='xview_train'),
                                   query=dict(ann_file=ann_file, split='xview_val')))
test_dataloader = val_dataloader
