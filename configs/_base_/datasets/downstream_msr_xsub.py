# Labelled MSR Action3D cross-subject data for the downstream protocols (linear,
# supervised): the downstream_skeleton.py pipelines (random crop-resize for training,
# 0.95 centre crop for testing, stream computed after the crop) for one person, 20
# joints, 32-frame clips and the MSR normalisation of msr_xsub_cmd.py. Train on
# xsub_train, test on xsub_val (the test subjects); for tuning use xsub_train_tune /
# xsub_val_tune (training subjects only). Leaf configs pick the stream with `modality`.
dataset_type = 'SkeletonPoseDataset'
ann_file = 'data/msr_action3d/msr_action3d.pkl'
clip_len = 32
num_person = 1
meta_keys = ('frame_dir', 'total_frames', 'valid_len')
normalize = dict(type='CMDPreNormalize', layout='msr20')


def _pipeline(modality, test_mode):
    crop = (dict(type='TemporalCropResize', clip_len=clip_len, test_mode=True) if test_mode
            else dict(type='TemporalCropResize', clip_len=clip_len, ratio=(0.5, 1.0),
                      min_len=clip_len))
    return [normalize, dict(type='ValidLength'), crop,
            dict(type='GenModality', modalities=[modality], layout='msr20'),
            dict(type='FormatGCNInput', num_person=num_person),
            dict(type='PackActionInputs', meta_keys=meta_keys)]


train_dataloader = dict(
    batch_size=32, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_train',
                 pipeline=_pipeline('joint', False)))
val_dataloader = dict(
    batch_size=64, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='xsub_val',
                 pipeline=_pipeline('joint', True), test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
