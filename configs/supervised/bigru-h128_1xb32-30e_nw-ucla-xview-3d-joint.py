# Supervised reference on Northwestern-UCLA cross-view (the ceiling of the
# self-supervised study): the same BiGRU (hidden 128 x 2) and Linear(256, 10) as the
# NW-UCLA linear configs, trained from scratch with all labels of views 1 and 2; SGD
# lr 0.1 (the MSR supervised choice) for 30 epochs, x0.1 after 25; tested once on view 3.
_base_ = ['../linear/linear_bigru-h128_1xb32-20e_nw-ucla-xview-3d-joint.py']
pretrained = None  # from scratch
model = dict(frozen=())
optim_wrapper = dict(_delete_=True, optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                                                   weight_decay=0.))
train_cfg = dict(max_epochs=30, val_begin=30, val_interval=30)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[25], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=30))
