# Linear evaluation (METHODS.md §6.1/§7.1): frozen CMD BiGRU bone encoder,
# fc trained on NTU-60 cross-view; SGD lr 0.1, 80 epochs.
_base_ = ['../_base_/models/linear_bigru.py', '../_base_/datasets/downstream_ntu60_xview.py',
          '../_base_/schedules/linear_sgd_80e.py']
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xview-3d/epoch_451.pth'
modality = 'bone'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained,
                                prefix=f'encoder_q.{modality}.backbone.')),
    cls_head=dict(num_classes=60))
# bone stream: computed from the joints after the temporal crop
train_dataloader = dict(dataset=dict(pipeline=[
    *_base_.train_pipeline[:3], dict(type='GenModality', modalities=[modality]),
    *_base_.train_pipeline[4:]]))
val_dataloader = dict(dataset=dict(pipeline=[
    *_base_.test_pipeline[:3], dict(type='GenModality', modalities=[modality]),
    *_base_.test_pipeline[4:]]))
test_dataloader = val_dataloader
