# Linear evaluation (METHODS.md §6.1/§7.1): frozen CMD ST-GCN (quarter width) joint encoder,
# fc trained on NTU-120 cross-setup; SGD lr 0.1, 80 epochs.
_base_ = ['../_base_/models/linear_stgcn.py', '../_base_/datasets/downstream_ntu120_xset.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-451e_ntu120-xset-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=120))
