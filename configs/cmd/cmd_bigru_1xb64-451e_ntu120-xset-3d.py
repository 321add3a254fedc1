# CMD pretraining, bigru encoder, NTU-120 cross-setup, official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd_bigru.py', '../_base_/datasets/ntu120_xset_cmd.py',
          '../_base_/schedules/cmd_sgd_451e.py']
