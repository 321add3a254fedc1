# Linear evaluation (docs/protocols.md): the frozen joint encoder of a CMD quarter-width ST-GCN
# checkpoint (NTU-120 cross-setup) and a new classifier; SGD lr 0.1, 80 epochs.
_base_ = ['../_base_/models/linear.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/ntu120_xset.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-451e_ntu120-xset-3d/epoch_451.pth'
