# MSR Action3D cross-subject (tools/data/msr_action3d_gendata.py) for CMD / MoCo
# pretraining: the CMD two-view pipeline (METHODS.md §1.4-1.5) for one person and the
# 20 Kinect joints of layout 'msr20'. Clips: 32 frames (the recordings have 13-936
# frames, median 39; 64 would mostly upsample). CMD's pre-normalisation with the msr20
# joints: per-frame centring on the spine (joint 4, 1-based), hip centre -> spine
# along +z (7 -> 4), right minus left shoulder along +x (2 - 1).
# kNN monitor during pretraining on training subjects only: bank = subjects 1, 3, 5,
# queries = 7, 9 (xsub_*_tune); the test subjects (xsub_val) are for final runs:
# --cfg-options test_dataloader.dataset.bank.split=xsub_train
#               test_dataloader.dataset.query.split=xsub_val
dataset_type = 'SkeletonPoseDataset'
ann_file = 'data/msr_action3d/msr_action3d.pkl'
clip_len = 32
num_person = 1
meta_keys = ('frame_dir', 'total_frames', 'valid_len')
normalize = dict(type='CMDPreNormalize', layout='msr20')

view_pipeline = [
    dict(type='TemporalCropResize', clip_len=clip_len, ratio=(0.1, 1.0), min_len=clip_len),
    dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear', amplitude=1.0),
                                            dict(type='JointCorruption')]),
]
pretrain_pipeline = [
    normalize,
    dict(type='ValidLength'),
    dict(type='MultiView', num_views=2, transforms=view_pipeline),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
eval_pipeline = [
    normalize,
    dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len=clip_len, test_mode=True),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
train_dataloader = dict(
    batch_size=32, num_workers=1, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_train',
                 pipeline=pretrain_pipeline))
val_dataloader = dict(
    batch_size=64, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='KNNBankDataset',
        bank=dict(type=dataset_type, ann_file=ann_file, split='xsub_train_tune',
                  pipeline=eval_pipeline, test_mode=True),
        query=dict(type=dataset_type, ann_file=ann_file, split='xsub_val_tune',
                   pipeline=eval_pipeline, test_mode=True)))
test_dataloader = val_dataloader
val_evaluator = dict(type='KNNMetric', k=1)
test_evaluator = val_evaluator
