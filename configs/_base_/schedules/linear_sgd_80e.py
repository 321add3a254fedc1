_base_ = ['../default_runtime.py']
# CMD linear evaluation (docs/method_cmd.md): SGD on the classifier only (the encoder
# has requires_grad=False), lr 0.1, momentum 0.9, wd 0, batch 64, 80 epochs,
# lr x0.1 after 50 and 70 epochs, test every 5 epochs. The official script reports
# the best test top-1 over these evaluations; the last epoch's value is the
# project's headline, the best one is kept in best_*.pth.
optim_wrapper = dict(
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=80, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[50, 70], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2, save_best='acc/top1',
                                     rule='greater'),
                     logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=64)
