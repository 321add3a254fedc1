# CMD pretraining, BiGRU, PKU-MMD II cross-subject, the official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd.py', '../_base_/encoders/bigru.py',
          '../_base_/datasets/pku2_xsub.py', '../_base_/pipelines/cmd_pretrain.py',
          '../_base_/schedules/cmd_sgd_1001e.py']
