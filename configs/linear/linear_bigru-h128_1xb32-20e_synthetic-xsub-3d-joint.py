# Linear evaluation on the generated synthetic data of the README's main job: the
# frozen joint query encoder of `python tools/quickstart.py`'s CMD checkpoint
# (configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py) + a new Linear(256, 12). The
# official schedule shortened to the small dataset: 20 epochs, lr x0.1 after 15,
# evaluated every 5 epochs.
_base_ = ['../_base_/models/linear.py', '../_base_/encoders/bigru-h128.py',
          '../_base_/datasets/synthetic_xsub.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/quickstart/pretrain/epoch_10.pth'
train_dataloader = dict(batch_size=32, num_workers=1)
train_cfg = dict(max_epochs=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[15], gamma=0.1)]
default_hooks = dict(logger=dict(interval=10))
