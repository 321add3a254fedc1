# NTU RGB+D 60, cross-subject (tools/data/ntu_gendata.py --benchmark ntu60; mmaction2's own
# ntu60_3d.pkl works as it is). The dataset facts every protocol config reads as '{name}'
# placeholders (cmd_mmaction/utils/config_vars.py): change one here, or in a child config,
# or with --cfg-options ann_file=... and every use follows.
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_split, val_split = 'xsub_train', 'xsub_val'
monitor_bank_split, monitor_query_split = '{train_split}', '{val_split}'  # kNN while pretraining
num_classes = 60
layout, num_joints, num_person, graph_layout = 'nturgb+d', 25, 2, 'nturgb+d'
clip_len = 64  # frames after CMD's crop-resize
