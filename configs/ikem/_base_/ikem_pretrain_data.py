# IKEM pretraining data (METHODS.md §1.6-1.7): the valid frames resized to 50, then per
# view a reflect-padded temporal crop (pad 50 // 6 = 8) and a shear of amplitude 0.5;
# the kNN monitor sees the un-augmented 50-frame clips. total_frames (the raw length)
# travels in the meta for the true-timeline scale. Deviation: CMD's PreNormalize3D
# stands in for IKEM's per-body joint-21 centring and per-frame y rotation.
_base_ = ['../../_base_/datasets/cmd_pretrain_skeleton.py']
clip_len = 50
meta_keys = ('frame_dir', 'total_frames', 'valid_len')
view_pipeline = [dict(type='TemporalReflectCrop', pad_ratio=6),
                 dict(type='RandomShear', amplitude=0.5)]
whole_clip = [dict(type='PreNormalize3D'), dict(type='ValidLength'),
              dict(type='TemporalCropResize', clip_len=clip_len, ratio=(1.0, 1.0))]
pretrain_pipeline = whole_clip + [
    dict(type='MultiView', num_views=2, transforms=view_pipeline),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=meta_keys)]
eval_pipeline = whole_clip + [dict(type='FormatGCNInput', num_person=2),
                              dict(type='PackActionInputs', meta_keys=meta_keys)]
train_dataloader = dict(batch_size=128, dataset=dict(pipeline=pretrain_pipeline))
val_dataloader = dict(batch_size=128, dataset=dict(bank=dict(pipeline=eval_pipeline),
                                                   query=dict(pipeline=eval_pipeline)))
test_dataloader = val_dataloader
