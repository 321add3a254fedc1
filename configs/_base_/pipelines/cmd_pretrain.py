# CMD pretraining data (docs/preprocessing.md): CMD's own pre-normalisation (per-frame
# centring on body 0's spine, empty tails tiled, hip->spine to +z, shoulders to +x;
# skipped for pickles converted with --normalize), then two independently augmented views
# of each clip: a random temporal crop (s ~ U(0.1, 1)) resized to '{clip_len}' frames and
# exactly one of shear (amplitude 1) / joint corruption, p = 0.5 each. Validation: the kNN
# monitor (bank: monitor_bank_split, queries: monitor_query_split); test: the kNN protocol
# (bank: train split, queries: val split), both on 0.95 centre crops, so
# `tools/test.py <pretraining config> <checkpoint>` is the kNN evaluation.
dataset_type = 'SkeletonPoseDataset'
meta_keys = ('frame_dir', 'total_frames', 'valid_len')
view_pipeline = [
    dict(type='TemporalCropResize', clip_len='{clip_len}', ratio=(0.1, 1.0),
         min_len='{clip_len}'),
    dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear', amplitude=1.0),
                                            dict(type='JointCorruption')]),
]
# The alternative the small-data recipe ablations measure (every view sheared, none
# corrupted; docs/results_nw_ucla_ablation.md): --cfg-options 'view_pipeline={shear_views}'
shear_views = [
    dict(type='TemporalCropResize', clip_len='{clip_len}', ratio=(0.1, 1.0),
         min_len='{clip_len}'),
    dict(type='RandomShear', amplitude=1.0),
]
pretrain_pipeline = [
    dict(type='CMDPreNormalize', layout='{layout}'),
    dict(type='ValidLength'),
    dict(type='MultiView', num_views=2, transforms='{view_pipeline}'),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
eval_pipeline = [
    dict(type='CMDPreNormalize', layout='{layout}'),
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len='{clip_len}', test_mode=True),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]


def _part(split):
    return dict(type=dataset_type, ann_file='{ann_file}', split=split,
                num_classes='{num_classes}', pipeline='{eval_pipeline}', test_mode=True)


train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file='{ann_file}', split='{train_split}',
                 num_classes='{num_classes}', pipeline='{pretrain_pipeline}'))
val_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='KNNBankDataset', bank=_part('{monitor_bank_split}'),
                 query=_part('{monitor_query_split}')))
test_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='KNNBankDataset', bank=_part('{train_split}'),
                 query=_part('{val_split}')))
val_evaluator = dict(type='KNNMetric', k=1)
test_evaluator = val_evaluator
