# Multi-stream evaluation in one tools/test.py run (docs/protocols.md, fusion): the joint,
# motion and bone recognizers of the linear (or finetune) configs, each computing its
# stream from the joints, softmax scores averaged with `weights`. Checkpoint:
# tools/analysis/merge_streams.py joint=J.pth motion=M.pth bone=B.pth -o 3s.pth
model = dict(
    type='MultiStreamRecognizer',
    streams=dict(joint=dict(modality='joint', backbone='{backbone}', cls_head='{cls_head}'),
                 motion=dict(modality='motion', backbone='{backbone}', cls_head='{cls_head}'),
                 bone=dict(modality='bone', backbone='{backbone}', cls_head='{cls_head}')),
    weights=[1.0, 1.0, 1.0], fuse='prob', layout='{layout}')
