_base_ = ['../default_runtime.py']
# IKEM linear evaluation (docs/method_ikem.md): SGD on the classifier only (the encoder
# has requires_grad=False), lr 3.0, momentum 0.9, wd 0, batch 128, 100 epochs, lr x0.1
# after 80, evaluation every 5 epochs.
optim_wrapper = dict(
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[80], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3), logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=128)
