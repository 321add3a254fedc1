# CMD pretraining, stgcn encoder, NTU-60 cross-view, official hyper-parameters (1 GPU x 64).
_base_ = ['../_base_/models/cmd_stgcn.py', '../_base_/datasets/ntu60_xview_cmd.py',
          '../_base_/schedules/cmd_sgd_451e.py']
