# Linear evaluation on MSR Action3D, motion stream (see the -joint config).
_base_ = ['./linear_bigru-h128_1xb32-20e_msr-xsub-3d-joint.py']
modality = 'motion'
model = dict(backbone=dict(init_cfg=dict(prefix=f'encoder_q.{modality}.backbone.')))
stream = dict(type='GenModality', modalities=[modality], layout='msr20')
train_dataloader = dict(dataset=dict(pipeline=[
    *_base_.train_dataloader.dataset.pipeline[:3], stream,
    *_base_.train_dataloader.dataset.pipeline[4:]]))
val_dataloader = dict(dataset=dict(pipeline=[
    *_base_.val_dataloader.dataset.pipeline[:3], stream,
    *_base_.val_dataloader.dataset.pipeline[4:]]))
test_dataloader = val_dataloader
