# Fine-tuning on all labels (semi-supervised protocol with ratio 1.0, METHODS.md
# §7.1): whole CMD BiGRU joint encoder + new fc, NTU-120 cross-subject; SGD lr 0.01, 80 epochs.
_base_ = ['../_base_/models/finetune_bigru.py', '../_base_/datasets/downstream_ntu120_xsub.py',
          '../_base_/schedules/finetune_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu120-xsub-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=120))
