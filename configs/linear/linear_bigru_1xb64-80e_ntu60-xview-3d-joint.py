# Linear evaluation (METHODS.md §6.1/§7.1): frozen CMD BiGRU joint encoder,
# fc trained on NTU-60 cross-view; SGD lr 0.1, 80 epochs.
_base_ = ['../_base_/models/linear_bigru.py', '../_base_/datasets/downstream_ntu60_xview.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xview-3d/epoch_451.pth'
modality = 'joint'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=60))
