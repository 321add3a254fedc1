# IKEM stage A: six-modality teacher, NTU-60 cross-subject, official hyper-parameters (1 GPU x 128).
_base_ = ['../_base_/models/ikem_teacher.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/ntu60_xsub.py', '../_base_/pipelines/ikem_pretrain.py',
          '../_base_/schedules/ikem_sgd_300e.py']
