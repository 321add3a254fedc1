# Joint + motion + bone fusion of the stgcn-w16 linear (or finetune) recognizers on ntu60-xview:
#   python tools/analysis/merge_streams.py joint=J.pth motion=M.pth bone=B.pth -o 3s.pth
#   python tools/test.py configs/fusion/fusion-3s_stgcn-w16_1xb64_ntu60-xview-3d.py 3s.pth
# The test data are joints (centre crop); each stream is computed inside the model.
_base_ = ['../_base_/models/fusion_stgcn.py', '../_base_/datasets/downstream_ntu60_xview.py',
          '../_base_/default_runtime.py']
model = dict(streams=dict(
    joint=dict(cls_head=dict(num_classes=60)),
    motion=dict(cls_head=dict(num_classes=60)),
    bone=dict(cls_head=dict(num_classes=60))))
test_cfg = dict(type='TestLoop')
# evaluation only: train each stream with its linear / finetune config
train_dataloader = None
val_dataloader = None
val_evaluator = None
