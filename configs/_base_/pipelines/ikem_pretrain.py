# IKEM pretraining data (docs/preprocessing.md): IKEM's own pre-normalisation (each body
# centred on its joint 21 in every frame, the valid frames resized to 50, a per-frame
# rotation about y that turns the shoulders to the x axis), then per view a temporal crop
# padded with 50 // 6 = 8 mirrored frames at each end (edge frame repeated, as the
# official crop) and a shear of amplitude 0.5; the kNN monitor and test see the
# un-augmented 50-frame clips. total_frames (the raw length; raw_total_frames for imported
# arrays) travels in the meta for the true-timeline scale. Batch 128.
_base_ = ['./cmd_pretrain.py']
meta_keys = ('frame_dir', 'total_frames', 'raw_total_frames')
view_pipeline = [dict(type='TemporalReflectCrop', pad_ratio=6),
                 dict(type='RandomShear', amplitude=0.5)]
pretrain_pipeline = [
    dict(type='IKEMPreNormalize', clip_len=50, layout='{layout}'),
    dict(type='MultiView', num_views=2, transforms='{view_pipeline}'),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)]
eval_pipeline = [
    dict(type='IKEMPreNormalize', clip_len=50, layout='{layout}'),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)]
train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
test_dataloader = dict(batch_size=128)
