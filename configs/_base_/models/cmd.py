# CMD (docs/method_cmd.md): per modality (joint, motion, bone) a MoCo with InfoNCE
# (tau 0.07, K = 16384, m = 0.999), plus the mutual distillation of all 6 ordered
# (teacher, student) pairs: the teacher's top-8192 key-queue similarities at tau 0.05
# teach the student's query-queue similarities at tau 0.1, weight 1. The encoder comes
# from an encoders/ config, the layout from the dataset config. Key encoders have
# requires_grad=False; TrainableOptimWrapperConstructor leaves them out of SGD.
model = dict(
    type='CMD',
    backbone='{backbone}',
    pool='{pool}',
    neck='{neck}',
    head=dict(type='InfoNCELoss', temperature=0.07),
    distill=dict(type='CMDLoss', topk=8192, teacher_temp=0.05, student_temp=0.1,
                 loss_weight=1.0),
    modalities=('joint', 'motion', 'bone'),
    layout='{layout}',
    pairs=None,  # all ordered (teacher, student) pairs
    queue_len=16384,
    momentum=0.999,
    cmd_start_epoch=0,
    shuffle_bn=False)
