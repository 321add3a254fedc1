# CMD on IKEM's six modalities (6-view bone list, all 30 ordered distillation pairs) with
# IKEM's implicit knowledge exchange module attached as an extra loss: each modality's
# 256-d representation predicts the concatenated six-modality key (256-768-768 predictor,
# InfoNCE against the stacked queues). Active with loss_cmd (cmd_start_epoch). CMD
# computes modalities without IKEM's true-timeline scale. NTU-60 xsub, CMD's schedule.
_base_ = ['../cmd/cmd_stgcn-w16_1xb64-451e_ntu60-xsub-3d.py']
layout = 'nturgb+d-ikem6'
modalities = ('joint', 'motion', 'bone', 'accel', 'axis', 'omega')
model = dict(
    modalities=modalities,
    extra_losses=[dict(type='IKEMModule', modalities=modalities, in_channels=256,
                       hid_channels=768, out_channels=768, feat_dim=128, temperature=0.07)])
