# CMD pretraining, stgcn encoder, PKU-MMD II cross-subject, official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd_stgcn.py', '../_base_/datasets/pku2_xsub_cmd.py',
          '../_base_/schedules/cmd_sgd_1001e.py']
