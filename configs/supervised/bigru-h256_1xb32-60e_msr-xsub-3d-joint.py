# Supervised reference on MSR Action3D (the ceiling of the self-supervised study): the
# same BiGRU (hidden 256 x 2) and Linear(512, 20) as the MSR linear configs, trained
# from scratch with all training-subject labels; SGD lr 0.01 (the fine-tuning schedule)
# for 60 epochs, x0.1 after 50; tested once on the test subjects.
_base_ = ['../linear/linear_bigru-h256_1xb32-30e_msr-xsub-3d-joint.py']
model = dict(type='RecognizerGCN', _delete_=True,
             backbone=dict(type='BiGRU', in_channels=3, num_joints=20, num_person=1,
                           hidden=256, num_layers=2, mode='official'),
             cls_head=dict(type='LinearClsHead', num_classes=20, in_channels=512,
                           average_clips='prob'))
optim_wrapper = dict(_delete_=True, optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                                   weight_decay=0.))
train_cfg = dict(max_epochs=60, val_begin=60, val_interval=60)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[50], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=60))
