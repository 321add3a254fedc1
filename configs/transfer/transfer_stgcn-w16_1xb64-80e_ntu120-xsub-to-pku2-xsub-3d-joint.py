# Transfer (docs/protocols.md): CMD quarter-width ST-GCN pretrained on NTU-120 cross-subject, the whole joint
# encoder fine-tuned on all PKU-MMD II cross-subject labels (51 classes).
_base_ = ['../finetune/finetune_stgcn-w16_1xb64-80e_pku2-xsub-3d-joint.py']
pretrained = 'work_dirs/cmd_stgcn-w16_1xb64-451e_ntu120-xsub-3d/epoch_451.pth'
