# Semi-supervised (METHODS.md §7.1): 1% of the NTU-60 cross-subject training labels
# (per class, seeded by subset_seed; tools/analysis/semi_seeds.py repeats over
# seeds), whole CMD BiGRU joint encoder fine-tuned; SGD lr 0.01, 80 epochs.
_base_ = ['../_base_/models/finetune_bigru.py', '../_base_/datasets/downstream_ntu60_xsub.py',
          '../_base_/schedules/finetune_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=60))
train_dataloader = dict(dataset=dict(label_fraction=0.01, subset_seed=0))
