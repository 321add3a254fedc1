# Linear evaluation on the generated synthetic data: the bone stream of the quickstart
# CMD checkpoint (see the -joint config for the model and schedule).
_base_ = ['./linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-joint.py']
modality = 'bone'
model = dict(backbone=dict(init_cfg=dict(prefix=f'encoder_q.{modality}.backbone.')))
# bone stream: computed from the joints after the temporal crop
train_dataloader = dict(dataset=dict(pipeline=[
    *_base_.train_pipeline[:3], dict(type='GenModality', modalities=[modality]),
    *_base_.train_pipeline[4:]]))
val_dataloader = dict(dataset=dict(pipeline=[
    *_base_.test_pipeline[:3], dict(type='GenModality', modalities=[modality]),
    *_base_.test_pipeline[4:]]))
test_dataloader = val_dataloader
