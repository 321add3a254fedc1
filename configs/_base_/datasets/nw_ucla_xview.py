# Northwestern-UCLA Multiview Action 3D, cross-view (tools/data/nw_ucla_gendata.py): 10
# actions, 20 Kinect v1 SDK joints (layout 'kinect-v1'), one person, 32-frame clips (the
# clips have 1-201 frames, median 31). Views 1 and 2 train (1,020 clips), view 3 tests
# (464); the kNN monitor while pretraining stays on the training views (bank: view 1,
# queries: view 2).
_base_ = ['./ntu60_xsub.py']
ann_file = 'data/nw_ucla/nw_ucla.pkl'
train_split, val_split = 'xview_train', 'xview_val'
monitor_bank_split, monitor_query_split = 'xview_train_tune', 'xview_val_tune'
num_classes = 10
layout, num_joints, num_person, clip_len = 'kinect-v1', 20, 1, 32
# stgcn_graph_layout('kinect-v1') written out (tests/test_converters_nw_ucla.py keeps it equal)
graph_layout = dict(
    _delete_=True,
    num_node=20, center=0,
    inward=[(1, 0), (2, 1), (3, 2), (4, 2), (5, 4), (6, 5), (7, 6), (8, 2), (9, 8), (10, 9),
            (11, 10), (12, 0), (13, 12), (14, 13), (15, 14), (16, 0), (17, 16), (18, 17),
            (19, 18)])
