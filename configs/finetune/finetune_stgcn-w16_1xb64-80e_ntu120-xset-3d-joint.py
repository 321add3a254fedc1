# Fine-tuning on all labels (semi-supervised protocol with ratio 1.0, METHODS.md
# §7.1): whole CMD ST-GCN (quarter width) joint encoder + new fc, NTU-120 cross-setup; SGD lr 0.01, 80 epochs.
_base_ = ['../_base_/models/finetune_stgcn.py', '../_base_/datasets/downstream_ntu120_xset.py',
          '../_base_/schedules/finetune_sgd_80e.py']
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-451e_ntu120-xset-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=120))
