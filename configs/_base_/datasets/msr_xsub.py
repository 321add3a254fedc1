# MSR Action3D, cross-subject (tools/data/msr_action3d_gendata.py): 20 Kinect joints in
# the dataset's file order (layout 'msr20'), one person, 32-frame clips (the recordings
# have 13-936 frames, median 39; 64 would mostly upsample). Subjects 1, 3, 5, 7, 9 train,
# 2, 4, 6, 8, 10 test; the kNN monitor while pretraining stays on the training subjects
# (bank 1, 3, 5; queries 7, 9).
_base_ = ['./ntu60_xsub.py']
ann_file = 'data/msr_action3d/msr_action3d.pkl'
monitor_bank_split, monitor_query_split = 'xsub_train_tune', 'xsub_val_tune'
num_classes = 20
layout, num_joints, num_person, clip_len = 'msr20', 20, 1, 32
# stgcn_graph_layout('msr20') written out (tests/test_configs_msr.py keeps it equal)
graph_layout = dict(
    _delete_=True,
    num_node=20, center=6,
    inward=[(0, 2), (1, 2), (2, 3), (3, 6), (4, 6), (5, 6), (7, 0), (8, 1), (9, 7), (10, 8),
            (11, 9), (12, 10), (13, 4), (14, 5), (15, 13), (16, 14), (17, 15), (18, 16),
            (19, 2)])
