# IKEM stage B: relational KD from the frozen NTU-120 cross-subject teacher into joint, motion and
# bone students (1 GPU x 128). Train the teacher config first.
_base_ = ['../_base_/models/ikem_student.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/ntu120_xsub.py', '../_base_/pipelines/ikem_pretrain.py',
          '../_base_/schedules/ikem_sgd_150e.py']
teacher_checkpoint = 'work_dirs/ikem-teacher_stgcn-w16_1xb128-300e_ntu120-xsub-3d/epoch_300.pth'
