# CMD pretraining, quarter-width ST-GCN, PKU-MMD II cross-subject, the official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/pku2_xsub.py', '../_base_/pipelines/cmd_pretrain.py',
          '../_base_/schedules/cmd_sgd_1001e.py']
