# CMD on MSR Action3D (real Kinect recordings, 20 joints, one person; 284 training
# clips), sized for a 2-core CPU: BiGRU hidden 256 x 2 layers (512-d representation),
# queue 256 (< one epoch of keys: 8 iterations x 32), top-k 128 (K / 2, the official
# ratio), momentum 0.99 and lr 0.1 as for the other small dataset (the main job's
# synthetic config). Method hyper-parameters otherwise official (configs/_base_/models/cmd.py).
# configs/moco/moco_bigru-h256_1xb32-40e_msr-xsub-3d.py is the same without distillation.
_base_ = ['../_base_/models/cmd_bigru.py', '../_base_/datasets/msr_xsub_cmd.py',
          '../_base_/schedules/cmd_sgd_451e.py']

hidden = 256
model = dict(
    layout='msr20',
    backbone=dict(num_joints=20, num_person=1, hidden=hidden, num_layers=2),
    head=dict(in_channels=2 * hidden, hid_channels=2 * hidden),
    queue_len=256,
    topk=128,
    momentum=0.99)
optim_wrapper = dict(optimizer=dict(lr=0.1))
max_epochs = 40
train_cfg = dict(max_epochs=max_epochs, val_begin=10, val_interval=10)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[35], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1),
                     logger=dict(interval=8))
auto_scale_lr = dict(base_batch_size=32)
