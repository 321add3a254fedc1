# CMD pretraining data (docs/preprocessing.md): CMD's own pre-normalisation (per-frame
# centring on body 0's spine, tiling of empty tails, hip->spine to +z, shoulders to +x;
# skipped for pickles converted with --normalize), then two independently augmented
# views of each clip; a kNN monitor on the val split with the train split as the bank.
# Dataset-specific files override ann_file / split names (see ntu60_xsub_cmd.py).
dataset_type = 'SkeletonPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
clip_len = 64
num_person = 2
# frame_dir names the sample in dumps; total_frames is the raw length (IKEM time scale)
meta_keys = ('frame_dir', 'total_frames', 'valid_len')

view_pipeline = [
    dict(type='TemporalCropResize', clip_len=clip_len, ratio=(0.1, 1.0), min_len=clip_len),
    # exactly one spatial augmentation per view, p = 0.5 each
    dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear', amplitude=1.0),
                                            dict(type='JointCorruption')]),
]
pre_normalize = dict(type='CMDPreNormalize', layout='nturgb+d')
pretrain_pipeline = [
    pre_normalize,
    dict(type='ValidLength'),
    dict(type='MultiView', num_views=2, transforms=view_pipeline),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
# kNN protocol: deterministic 0.95 centre crop for bank and queries alike
eval_pipeline = [
    pre_normalize,
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len=clip_len, test_mode=True),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]

train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_train',
                 pipeline=pretrain_pipeline))
val_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='KNNBankDataset',
        bank=dict(type=dataset_type, ann_file=ann_file, split='xsub_train',
                  pipeline=eval_pipeline, test_mode=True),
        query=dict(type=dataset_type, ann_file=ann_file, split='xsub_val',
                   pipeline=eval_pipeline, test_mode=True)))
test_dataloader = val_dataloader
val_evaluator = dict(type='KNNMetric', k=1)
test_evaluator = val_evaluator
