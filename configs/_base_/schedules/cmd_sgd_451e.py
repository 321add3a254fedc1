_base_ = ['../default_runtime.py']
# CMD pretraining schedule (docs/method_cmd.md): SGD 0.01, momentum 0.9, wd 1e-4,
# 451 epochs (0..450), lr x0.1 once 351 epochs are finished, ckpt every 10 epochs.
# TrainableOptimWrapperConstructor leaves the momentum key encoders out of SGD.
optim_wrapper = dict(
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=451, val_begin=10, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[351], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3),
                     logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=64)
