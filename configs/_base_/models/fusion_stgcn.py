# Multi-stream evaluation of the quarter-width ST-GCN linear/finetune recognizers
# (joint, motion, bone); see fusion_bigru.py.
_stream = dict(type='RecognizerGCN',
               backbone=dict(type='STGCN',
                             graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                             in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                             inflate_stages=[5, 8, 9, 10], down_stages=[5, 8],
                             tcn_dropout=0.5),
               cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
model = dict(type='MultiStreamRecognizer',
             streams=dict(joint=dict(modality='joint', **_stream),
                          motion=dict(modality='motion', **_stream),
                          bone=dict(modality='bone', **_stream)),
             weights=[1.0, 1.0, 1.0], fuse='prob', layout='nturgb+d')
