# IKEM teacher schedule (docs/method_ikem.md): SGD lr 0.1, momentum 0.9 (no nesterov),
# wd 1e-4, batch 128, 300 epochs, lr x0.1 once 250 epochs are finished.
_base_ = ['../default_runtime.py']
optim_wrapper = dict(
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=False))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300, val_begin=10, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[250], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3), logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=128)
