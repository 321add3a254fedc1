# IKEM linear evaluation (METHODS.md §7.2, §6.2) with stock mmaction2 parts: the
# pretrained quarter-width ST-GCN (weights from `pretrained` under `prefix`, set per
# config) and a GCNHead Linear(256, C). The backbone gets lr 0 and no weight decay, so
# only the classifier learns; SGD lr 3.0, wd 0, batch 128, 100 epochs, lr x0.1 after
# 80, evaluation every 5 epochs on the un-augmented 50-frame clips (IKEM's
# pre-normalisation, docs/preprocessing.md). The classifier starts from IKEM's
# N(0, 0.02) init. Deviation: the frozen backbone's BatchNorm runs in train mode (the
# official code keeps it in eval).
_base_ = ['../../_base_/default_runtime.py']
pretrained = 'work_dirs/PRETRAIN/epoch_300.pth'
prefix = 'encoder_q.joint.backbone.'
num_classes = 60
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                  in_channels=3, base_channels=16, ch_ratio=2, num_stages=10,
                  inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5,
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix=prefix)),
    cls_head=dict(type='GCNHead', num_classes=num_classes, in_channels=256,
                  init_cfg=dict(type='IKEMInit')))

dataset_type = 'SkeletonPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
pipeline = [
    dict(type='IKEMPreNormalize', clip_len=50),  # the whole clip, no augmentation
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')]
train_dataloader = dict(
    batch_size=128, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_train', pipeline=pipeline))
val_dataloader = dict(
    batch_size=128, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_val', pipeline=pipeline,
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.0, decay_mult=0.0)}))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[80], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3), logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=128)
