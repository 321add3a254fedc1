# CMD pretraining, quarter-width ST-GCN, NTU-120 cross-setup, the official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/ntu120_xset.py', '../_base_/pipelines/cmd_pretrain.py',
          '../_base_/schedules/cmd_sgd_451e.py']
