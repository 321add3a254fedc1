# IKEM six-modality teacher (METHODS.md §3.2, §5.1, §6.2): per modality a quarter-width
# ST-GCN (256-d pooled representation, see cmd_stgcn.py for the width note) and a
# 256-256-128 MoCo head; K=32768, m=0.999, tau=0.07; plain MoCo for epochs 0..150,
# then cross-modal top-1 mining with context plus the IKEM module (256-768-768
# predictor of the concatenated six-modality key). IKEM's 6-view bone list with the
# torso-normal bone 21, true-timeline scale 50 / raw frame count. IKEM's weight init
# (Conv/Linear N(0, 0.02), BN N(1, 0.02); IKEMInit) for the whole model. All key
# encoders start as copies of the queries and stay momentum-updated
# (official_key_init=True / official_momentum_bug=True reproduce the official code).
model = dict(
    type='IKEMTeacher',
    backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                  in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                  inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5),
    neck=dict(type='SkeletonGlobalPool'),
    head=dict(type='ProjectionNeck', in_channels=256, hid_channels=256, out_channels=128),
    modalities=('joint', 'motion', 'bone', 'accel', 'axis', 'omega'),
    layout='nturgb+d-ikem6',
    queue_len=32768,
    feat_dim=128,
    momentum=0.999,
    temperature=0.07,
    topk=1,
    context=True,
    cross_epoch=150,  # plain MoCo for epochs 0..149, cross + IKEM from epoch 150 (0-based)
    ikem=dict(type='IKEMModule', in_channels=256, hid_channels=768, out_channels=768),
    time_scale_frames=50,
    official_momentum_bug=False,
    official_key_init=False,
    shuffle_bn=False,
    init_cfg=dict(type='IKEMInit'))
# the IKEM predictors get no gradient in the plain-MoCo stage: let DDP skip them
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
