# The baseline CMD claims to beat: one plain MoCo per modality (joint, motion, bone),
# the same encoders, queues, schedule and data as
# configs/cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py, no distillation term (pairs=()).
_base_ = ['../cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py']
model = dict(pairs=())
