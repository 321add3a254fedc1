# CMD with a quarter-width mmaction2 ST-GCN encoder (METHODS.md §3.2), pooled over
# frames, joints and persons, then a 256-256-128 projection (IKEM's MLP head).
# Widths: IKEM's blocks are 16,16,16,16,32,32,32,64,64,256; STGCN inflates by one
# ch_ratio per listed stage, so the exact list is not expressible. inflate_stages
# [5, 8, 9, 10] gives 16,16,16,16,32,32,32,64,128,256: the same 256-d
# representation, block 9 twice as wide (64 -> 128). Temporal stride 2 at blocks 5
# and 8, dropout 0.5 in blocks 2-10, spatial partitions with learnable edge
# importance, data BN over V*C, as in IKEM. Weight init is mmaction2's (not
# IKEM's N(0, 0.02)).
_base_ = ['./cmd.py']
model = dict(
    backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                  in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                  inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5),
    neck=dict(type='SkeletonGlobalPool'),
    head=dict(type='ProjectionNeck', in_channels=256, hid_channels=256, out_channels=128))
