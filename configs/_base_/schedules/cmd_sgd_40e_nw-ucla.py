_base_ = ['./cmd_sgd_451e.py']
# CMD / MoCo pretraining on Northwestern-UCLA (1,020 training clips: 31 iterations of 32
# per epoch): 40 epochs of SGD lr 0.1, x0.1 after 30, kNN monitor every 5 epochs and a
# checkpoint every 10, sized for the 90-minute study on 2 CPU cores.
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_epochs=40, val_begin=5, val_interval=5)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[30], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1),
                     logger=dict(interval=31))
auto_scale_lr = dict(base_batch_size=32)
