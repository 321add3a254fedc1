# IKEM stage A: six-modality teacher, NTU-120 cross-subject,
# official hyper-parameters (1 GPU x 128).
_base_ = ['../_base_/models/ikem_teacher_stgcn.py', './_base_/ikem_pretrain_data.py',
          './_base_/ikem_teacher_schedule.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_train'))
val_dataloader = dict(dataset=dict(bank=dict(ann_file=ann_file, split='xsub_train'),
                                   query=dict(ann_file=ann_file, split='xsub_val')))
test_dataloader = val_dataloader
