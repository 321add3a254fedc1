# Linear evaluation on Northwestern-UCLA cross-view (train on views 1, 2; test on view
# 3): the frozen joint query encoder of the NW-UCLA CMD (or MoCo) checkpoint + a new
# Linear(256, 10). The MSR linear schedule: 20 epochs, lr 0.1 x0.1 after 15; the last
# epoch is the result (no test-set selection).
_base_ = ['../_base_/models/linear.py', '../_base_/encoders/bigru-h128.py',
          '../_base_/datasets/nw_ucla_xview.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru-h128_1xb32-40e_nw-ucla-xview-3d/epoch_40.pth'
train_dataloader = dict(batch_size=32, num_workers=1)
val_dataloader = dict(num_workers=1)
train_cfg = dict(max_epochs=20, val_begin=20, val_interval=20)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[15], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=20, save_best=None), logger=dict(interval=31))
