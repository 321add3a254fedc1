# Linear evaluation on MSR Action3D (cross-subject: train on subjects 1,3,5,7,9, test on
# 2,4,6,8,10): the frozen joint query encoder of the MSR CMD (or MoCo) checkpoint +
# a new Linear(256, 20). Official linear schedule shortened to the small dataset:
# 20 epochs, lr 0.1 x0.1 after 15; the last epoch is the result (no test-set selection).
_base_ = ['../_base_/models/linear_bigru.py', '../_base_/datasets/downstream_msr_xsub.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru-h128_1xb32-120e_msr-xsub-3d/epoch_120.pth'
modality = 'joint'
hidden = 128
model = dict(
    backbone=dict(num_joints=20, num_person=1, hidden=hidden, num_layers=2,
                  init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=20, in_channels=2 * hidden))
train_cfg = dict(max_epochs=20, val_begin=20, val_interval=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[15], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=20, save_best=None), logger=dict(interval=9))
