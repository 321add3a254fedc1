# Labelled downstream data (linear / semi-supervised / finetune / transfer),
# docs/preprocessing.md: CMD's pre-normalisation (as in pretraining), then
# train = random crop s ~ U(0.5, 1) resized to 64 frames, test =
# deterministic 0.95 centre crop; no spatial augmentation. The stream (joint,
# motion, bone, ...) is computed by GenModality after the crop, as CMD does.
# Dataset files (downstream_<dataset>.py) override ann_file / splits.
# Other stream: --cfg-options train_dataloader.dataset.pipeline.3.modalities="['motion']"
# (same for val/test, index 3) or the *-motion / *-bone configs.
dataset_type = 'SkeletonPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
clip_len = 64
num_person = 2
meta_keys = ('frame_dir', 'total_frames', 'valid_len')

pre_normalize = dict(type='CMDPreNormalize', layout='nturgb+d')
train_pipeline = [
    pre_normalize,
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len=clip_len, ratio=(0.5, 1.0), min_len=clip_len),
    dict(type='GenModality', modalities=['joint']),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = [
    pre_normalize,
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len=clip_len, test_mode=True),
    dict(type='GenModality', modalities=['joint']),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # semi-supervised: label_fraction=0.01 ... (per-class, seeded by subset_seed)
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_train',
                 pipeline=train_pipeline, label_fraction=None, subset_seed=0))
val_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_val',
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
