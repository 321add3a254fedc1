# Linear evaluation (docs/protocols.md): the frozen joint encoder of a CMD BiGRU
# checkpoint (NTU-60 cross-view) and a new classifier; SGD lr 0.1, 80 epochs.
_base_ = ['../_base_/models/linear.py', '../_base_/encoders/bigru.py',
          '../_base_/datasets/ntu60_xview.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xview-3d/epoch_451.pth'
