# A quarter-width mmaction2 ST-GCN (IKEM's encoder): spatial partitions with learnable edge
# importance on the dataset's graph, data BN over V*C, temporal stride 2 at blocks 5 and 8,
# dropout 0.5 in blocks 2-10; pooled over frames, joints and persons (as GCNHead) to a
# 256-d representation; a 256-256-128 projection for pretraining and GCNHead downstream.
# Widths: IKEM's blocks are 16,16,16,16,32,32,32,64,64,256; STGCN inflates by one ch_ratio
# per listed stage, so inflate_stages [5, 8, 9, 10] gives 16,16,16,16,32,32,32,64,128,256:
# the same 256-d output, block 9 twice as wide. To load an export into a stock mmaction2
# ST-GCN config: model.backbone.base_channels=16 model.backbone.inflate_stages=[5,8,9,10]
# model.backbone.tcn_dropout=0.5 model.cls_head.in_channels=256.
backbone = dict(type='STGCN', graph_cfg=dict(layout='{graph_layout}', mode='stgcn_spatial'),
                in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5)
pool = dict(type='SkeletonGlobalPool')
neck = dict(type='ProjectionNeck', in_channels=256, hid_channels=256, out_channels=128)
cls_head = dict(type='GCNHead', num_classes='{num_classes}', in_channels=256)
