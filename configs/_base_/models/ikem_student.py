# IKEM relational KD (docs/method_ikem.md): the frozen six-modality teacher (the model of
# ikem_teacher.py, loaded from '{teacher_checkpoint}') teaches three fresh students
# (joint, motion, bone; the teacher's encoder) with 256-768-768 projections (768 = the
# concatenated teacher embedding). Teacher on view 1, students on view 2, top-1 mining
# with context per teacher modality, K = 32768, tau 0.07. The teacher stays in eval mode
# and every teacher modality mines in its own queue (teacher_train_mode /
# official_omega_queue_bug reproduce the official code).
_base_ = ['./ikem_teacher.py']
model = dict(
    _delete_=True,
    type='IKEMStudent',
    teacher={{_base_.model}},
    teacher_checkpoint='{teacher_checkpoint}',
    backbone='{backbone}',
    pool='{pool}',
    neck=dict(type='ProjectionNeck', in_channels=256, hid_channels=768, out_channels=768),
    head=dict(type='RelationalKDLoss', temperature=0.07, topk=1, context=True),
    modalities=('joint', 'motion', 'bone'),
    queue_len=32768,
    teacher_train_mode=False,
    official_omega_queue_bug=False,
    init_cfg=dict(type='IKEMInit'))  # the students; the loaded teacher is kept as it is
model_wrapper_cfg = dict(find_unused_parameters=False)  # every student is used each step
