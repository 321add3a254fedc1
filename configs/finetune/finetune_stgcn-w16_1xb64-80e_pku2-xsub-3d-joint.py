# Fine-tuning on all labels (docs/protocols.md): the whole CMD quarter-width ST-GCN joint encoder
# and a new classifier, PKU-MMD II cross-subject; SGD lr 0.01, 80 epochs.
_base_ = ['../_base_/models/finetune.py', '../_base_/encoders/stgcn-w16.py',
          '../_base_/datasets/pku2_xsub.py', '../_base_/pipelines/downstream.py',
          '../_base_/schedules/finetune_sgd_80e.py']
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-1001e_pku2-xsub-3d/epoch_1001.pth'
