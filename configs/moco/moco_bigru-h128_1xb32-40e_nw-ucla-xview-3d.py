# The baseline CMD claims to beat on Northwestern-UCLA: one plain MoCo per modality
# (joint, motion, bone), the same encoders, queues, views, schedule and data as
# configs/cmd/cmd_bigru-h128_1xb32-40e_nw-ucla-xview-3d.py, no distillation (pairs=()).
_base_ = ['../cmd/cmd_bigru-h128_1xb32-40e_nw-ucla-xview-3d.py']
model = dict(pairs=())
