# Linear evaluation on MSR Action3D (cross-subject: train on subjects 1,3,5,7,9, test on
# 2,4,6,8,10): the frozen joint query encoder of the MSR CMD (or MoCo) checkpoint +
# a new Linear(256, 20). Official linear schedule shortened to the small dataset:
# 20 epochs, lr 0.1 x0.1 after 15; the last epoch is the result (no test-set selection).
_base_ = ['../_base_/models/linear.py', '../_base_/encoders/bigru-h128.py',
          '../_base_/datasets/msr_xsub.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru-h128_1xb32-120e_msr-xsub-3d/epoch_120.pth'
train_dataloader = dict(batch_size=32, num_workers=1)
val_dataloader = dict(num_workers=1)
train_cfg = dict(max_epochs=20, val_begin=20, val_interval=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[15], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=20, save_best=None), logger=dict(interval=9))
