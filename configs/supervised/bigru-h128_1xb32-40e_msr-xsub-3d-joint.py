# Supervised reference on MSR Action3D (the ceiling of the self-supervised study): the
# same BiGRU (hidden 128 x 2) and Linear(256, 20) as the MSR linear configs, trained
# from scratch with all training-subject labels; SGD lr 0.1 for 40 epochs, x0.1 after 35;
# tested once on the test subjects. lr chosen on training subjects only (train on 1, 3, 5,
# validate on 7, 9; joint): hidden 256: lr 0.01 -> 29.8 %, 0.1 -> 58.8 % top-1; this
# hidden 128 encoder with lr 0.1: 58.8 %.
_base_ = ['../linear/linear_bigru-h128_1xb32-20e_msr-xsub-3d-joint.py']
pretrained = None  # from scratch
model = dict(frozen=())
optim_wrapper = dict(_delete_=True, optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                                                   weight_decay=0.))
train_cfg = dict(max_epochs=40, val_begin=40, val_interval=40)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[35], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=40))
