# CMD with the official BiGRU encoder (METHODS.md §3.1, §4, §6.1): per modality a
# 3-layer BiGRU (hidden 1024, 2048-d representation) and a 2048-2048-128 MLP head;
# K=16384, m=0.999, tau=0.07, top-k 8192, tau_teacher 0.05, tau_student 0.1, lambda 1.
# Key encoders have requires_grad=False; mmengine's optimizer constructor skips them.
model = dict(
    type='CMD',
    backbone=dict(type='BiGRU', in_channels=3, num_joints=25, num_person=2,
                  hidden=1024, num_layers=3, mode='official'),
    head=dict(type='ProjectionNeck', in_channels=2048, hid_channels=2048,
              out_channels=128, official_init=True),
    modalities=('joint', 'motion', 'bone'),
    layout='nturgb+d',
    pairs=None,  # all 6 ordered (teacher, student) pairs
    queue_len=16384,
    feat_dim=128,
    momentum=0.999,
    moco_temp=0.07,
    topk=8192,
    teacher_temp=0.05,
    student_temp=0.1,
    cmd_weight=1.0,
    cmd_start_epoch=0,
    shuffle_bn=False)
