# Transfer (METHODS.md §7.1): CMD BiGRU pretrained on NTU-120 cross-subject, whole joint
# encoder fine-tuned on all PKU-MMD II cross-subject labels (51 classes).
_base_ = ['../_base_/models/finetune_bigru.py', '../_base_/datasets/downstream_pku2_xsub.py',
          '../_base_/schedules/finetune_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu120-xsub-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=51))
