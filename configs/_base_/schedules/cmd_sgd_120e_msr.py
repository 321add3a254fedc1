_base_ = ['./cmd_sgd_451e.py']
# CMD / MoCo pretraining on MSR Action3D (284 clips: 8 iterations of 32 per epoch):
# 120 epochs of SGD lr 0.1, x0.1 after 100, kNN monitor and checkpoint every 20 epochs.
# Chosen on the training subjects (docs/results_msr_action3d.md).
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_epochs=120, val_begin=20, val_interval=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[100], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1),
                     logger=dict(interval=8))
auto_scale_lr = dict(base_batch_size=32)
