# CMD's method hyper-parameters (METHODS.md §4, §6.1), shared by every encoder: three
# modalities, all 6 ordered (teacher, student) pairs, K=16384, m=0.999, tau=0.07,
# top-k 8192, tau_teacher 0.05, tau_student 0.1, lambda 1. Key encoders have
# requires_grad=False; TrainableOptimWrapperConstructor leaves them out of SGD.
model = dict(
    type='CMD',
    modalities=('joint', 'motion', 'bone'),
    layout='nturgb+d',
    pairs=None,  # all ordered (teacher, student) pairs
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
