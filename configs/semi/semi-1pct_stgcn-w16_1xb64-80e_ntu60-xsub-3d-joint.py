# Semi-supervised (docs/protocols.md): 1% of the training labels per class (seeded by
# subset_seed; tools/analysis/semi_seeds.py repeats over seeds), otherwise fine-tuning.
_base_ = ['../finetune/finetune_stgcn-w16_1xb64-80e_ntu60-xsub-3d-joint.py']
train_dataloader = dict(dataset=dict(label_fraction=0.01))
