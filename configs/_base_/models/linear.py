# Linear evaluation (docs/protocols.md): the chosen stream's query encoder of a
# pretraining checkpoint ('{pretrained}', set by the config or --cfg-options
# pretrained=...), frozen and in eval mode, and a new classifier. The stream is computed
# from the joints in the model: `model = dict(modality='motion')` picks another one.
model = dict(
    type='SkeletonRecognizer',
    modality='joint',
    layout='{layout}',
    frozen=('backbone', ),
    backbone='{backbone}',
    cls_head='{cls_head}',
    pretrained='{pretrained}',
    pretrained_prefix='encoder_q.{modality}.backbone.')
