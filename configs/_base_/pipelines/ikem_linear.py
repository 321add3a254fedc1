# IKEM linear evaluation data (docs/preprocessing.md): the un-augmented 50-frame clips of
# IKEM's pre-normalisation for training and testing; batch 128.
_base_ = ['./downstream.py']
train_pipeline = [
    dict(type='IKEMPreNormalize', clip_len=50, layout='{layout}'),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=('frame_dir', 'total_frames'))]
test_pipeline = train_pipeline
train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
