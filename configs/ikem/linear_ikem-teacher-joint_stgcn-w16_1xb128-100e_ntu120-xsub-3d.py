# Linear evaluation of the IKEM six-modality teacher's joint stream, NTU-120 cross-subject.
_base_ = ['../_base_/models/ikem_linear.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/ntu120_xsub.py', '../_base_/pipelines/ikem_linear.py',
          '../_base_/schedules/ikem_linear_sgd_100e.py']
pretrained = 'work_dirs/ikem-teacher_stgcn-w16_1xb128-300e_ntu120-xsub-3d/epoch_300.pth'
