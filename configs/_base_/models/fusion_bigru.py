# Multi-stream evaluation in one tools/test.py run (METHODS.md §7.1, fusion): the
# joint, motion and bone recognizers of the linear (or finetune) configs, each stream
# computed from the joints inside the model, softmax scores averaged with `weights`.
# Checkpoint: tools/analysis/merge_streams.py joint=... motion=... bone=... -o X.pth
_stream = dict(type='RecognizerGCN',
               backbone=dict(type='BiGRU', in_channels=3, num_joints=25, num_person=2,
                             hidden=1024, num_layers=3, mode='official'),
               cls_head=dict(type='LinearClsHead', num_classes=60, in_channels=2048,
                             average_clips='prob'))
model = dict(type='MultiStreamRecognizer',
             streams=dict(joint=dict(modality='joint', **_stream),
                          motion=dict(modality='motion', **_stream),
                          bone=dict(modality='bone', **_stream)),
             weights=[1.0, 1.0, 1.0], fuse='prob', layout='nturgb+d')
