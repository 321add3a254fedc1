# Linear evaluation of a CMD BiGRU (METHODS.md §7.1): the joint query encoder of a
# CMD checkpoint, frozen and in eval mode, + a new fc Linear(2048, C) ~ N(0, 0.01).
# Leaf configs set `pretrained` (checkpoint path), cls_head.num_classes and, for
# another stream, the prefix encoder_q.<modality>.backbone.
pretrained = 'work_dirs/cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth'
model = dict(
    type='FrozenRecognizerGCN',
    frozen=('backbone', ),
    backbone=dict(type='BiGRU', in_channels=3, num_joints=25, num_person=2,
                  hidden=1024, num_layers=3, mode='official',
                  init_cfg=dict(type='PretrainedEncoder', checkpoint=pretrained,
                                prefix='encoder_q.joint.backbone.')),
    cls_head=dict(type='LinearClsHead', num_classes=60, in_channels=2048,
                  average_clips='prob'))
