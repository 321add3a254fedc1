# Linear evaluation on the generated synthetic data of the README's main job: the
# frozen joint query encoder of `python tools/quickstart.py`'s CMD checkpoint
# (configs/cmd/cmd_bigru-h128_1xb32-30e_synthetic-xsub-3d.py: BiGRU hidden 128 x 2,
# 256-d representation) + a new Linear(256, 12). The official schedule shortened to
# the small dataset: 20 epochs, lr x0.1 after 15, evaluated every 5 epochs.
_base_ = ['../_base_/models/linear_bigru.py', '../_base_/datasets/downstream_synthetic_xsub.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/quickstart/pretrain/epoch_30.pth'
modality = 'joint'
hidden = 128
model = dict(
    backbone=dict(hidden=hidden, num_layers=2,
                  init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=12, in_channels=2 * hidden))
train_dataloader = dict(batch_size=32, num_workers=1)
train_cfg = dict(max_epochs=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[15], gamma=0.1)]
default_hooks = dict(logger=dict(interval=10))
