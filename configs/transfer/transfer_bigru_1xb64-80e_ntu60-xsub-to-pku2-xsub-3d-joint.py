# Transfer (docs/protocols.md): CMD BiGRU pretrained on NTU-60 cross-subject, the whole joint
# encoder fine-tuned on all PKU-MMD II cross-subject labels (51 classes).
_base_ = ['../finetune/finetune_bigru_1xb64-80e_pku2-xsub-3d-joint.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth'
