# IKEM six-modality teacher (docs/method_ikem.md): per modality a MoCo (InfoNCE tau 0.07,
# K = 32768, m = 0.999) for epochs 0..149, then cross-modal top-1 mining with context
# (loss_cross_*) plus the implicit knowledge exchange module (each modality's 256-d
# representation predicts the concatenated six-modality key through a 256-768-768
# predictor, loss_ikem_*). IKEM's 6-view bone list with the torso-normal bone 21 (layout
# nturgb+d-ikem6), true-timeline scale 50 / raw frame count, IKEM's weight init
# (Conv/Linear N(0, 0.02), BN N(1, 0.02)) for the whole model. Every key encoder starts as
# a copy of its query and stays momentum-updated (official_key_init=True /
# official_momentum_bug=True reproduce the official code).
model = dict(
    type='IKEMTeacher',
    backbone='{backbone}',
    pool='{pool}',
    neck='{neck}',
    head=dict(type='InfoNCELoss', temperature=0.07),
    cross_head=dict(type='MultiPositiveNCELoss', temperature=0.07, topk=1, context=True),
    ikem=dict(type='IKEMModule', in_channels=256, hid_channels=768, out_channels=768,
              temperature=0.07),
    modalities=('joint', 'motion', 'bone', 'accel', 'axis', 'omega'),
    layout='nturgb+d-ikem6',
    queue_len=32768,
    momentum=0.999,
    cross_epoch=150,  # plain MoCo for epochs 0..149, cross + IKEM from epoch 150 (0-based)
    time_scale_frames=50,
    official_momentum_bug=False,
    official_key_init=False,
    shuffle_bn=False,
    init_cfg=dict(type='IKEMInit'))
# the IKEM predictors get no gradient in the plain-MoCo stage: let DDP skip them
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
