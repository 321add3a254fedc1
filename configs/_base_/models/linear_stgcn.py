# Linear evaluation of a CMD quarter-width ST-GCN (same encoder as
# configs/_base_/models/cmd_stgcn.py): frozen, eval mode; mmaction2's GCNHead pools
# over (T, V, M) exactly like the pretraining SkeletonGlobalPool, then fc(256, C).
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-451e_ntu60-xsub-3d/epoch_451.pth'
model = dict(
    type='FrozenRecognizerGCN',
    frozen=('backbone', ),
    backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                  in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                  inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5,
                  init_cfg=dict(type='PretrainedEncoder', checkpoint=pretrained,
                                prefix='encoder_q.joint.backbone.')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
