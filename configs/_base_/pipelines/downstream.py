# Labelled downstream data (linear / semi-supervised / finetune / transfer / supervised,
# docs/protocols.md): CMD's pre-normalisation, then train = random crop s ~ U(0.5, 1)
# resized to '{clip_len}' frames, test = deterministic 0.95 centre crop; no spatial
# augmentation. The pipeline delivers joints: the model computes its stream.
# Semi-supervised: train_dataloader.dataset.label_fraction (per class, seeded by
# subset_seed). knn_dataloader: the kNN protocol on the same crops, for
# `test_dataloader = '{knn_dataloader}'` (kNN of downstream checkpoints).
dataset_type = 'SkeletonPoseDataset'
meta_keys = ('frame_dir', 'total_frames', 'valid_len')
train_pipeline = [
    dict(type='CMDPreNormalize', layout='{layout}'),
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len='{clip_len}', ratio=(0.5, 1.0),
         min_len='{clip_len}'),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = [
    dict(type='CMDPreNormalize', layout='{layout}'),
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len='{clip_len}', test_mode=True),
    dict(type='FormatGCNInput', num_person='{num_person}'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]


def _part(split):
    return dict(type=dataset_type, ann_file='{ann_file}', split=split,
                num_classes='{num_classes}', pipeline='{test_pipeline}', test_mode=True)


train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file='{ann_file}', split='{train_split}',
                 num_classes='{num_classes}', pipeline='{train_pipeline}',
                 label_fraction=None, subset_seed=0))
val_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False), dataset=_part('{val_split}'))
test_dataloader = val_dataloader
knn_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='KNNBankDataset', bank=_part('{train_split}'),
                 query=_part('{val_split}')))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
