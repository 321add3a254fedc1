# IKEM relational KD (METHODS.md §5.2, §6.2): the frozen six-modality teacher of
# ikem_teacher_stgcn.py (loaded from teacher_checkpoint, set per dataset) teaches three
# fresh quarter-width ST-GCN students (joint, motion, bone) with 256-768-768 heads
# (768 = the concatenated teacher embedding). Teacher on view 1, students on view 2,
# top-1 mining with context per teacher modality, K=32768, tau=0.07. The teacher stays
# in eval mode and every teacher modality mines in its own queue (the official switches
# teacher_train_mode / official_omega_queue_bug reproduce the official code).
_base_ = ['./ikem_teacher_stgcn.py']
model = dict(
    _delete_=True,
    type='IKEMStudent',
    teacher={{_base_.model}},
    teacher_checkpoint='work_dirs/TEACHER/epoch_300.pth',  # set by each config
    backbone={{_base_.model.backbone}},
    neck=dict(type='SkeletonGlobalPool'),
    head=dict(type='ProjectionNeck', in_channels=256, hid_channels=768, out_channels=768),
    modalities=('joint', 'motion', 'bone'),
    queue_len=32768,
    temperature=0.07,
    topk=1,
    context=True,
    teacher_train_mode=False,
    official_omega_queue_bug=False,
    init_cfg=dict(type='IKEMInit'))  # the students; the loaded teacher is kept as it is
model_wrapper_cfg = dict(find_unused_parameters=False)  # every student is used each step
