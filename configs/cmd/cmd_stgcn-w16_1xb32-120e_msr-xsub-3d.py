# CMD on MSR Action3D with the 1/4-width mmaction2 ST-GCN on the 'msr20' graph
# (stgcn_graph_layout('msr20'), written out; tests/test_configs_msr.py keeps it equal);
# queue, top-k and schedule as the BiGRU MSR config (chosen there, not for ST-GCN).
_base_ = ['../_base_/models/cmd_stgcn.py', '../_base_/datasets/msr_xsub_cmd.py',
          '../_base_/schedules/cmd_sgd_120e_msr.py']
msr20_graph = dict(
    num_node=20, center=6,
    inward=[(0, 2), (1, 2), (2, 3), (3, 6), (4, 6), (5, 6), (7, 0), (8, 1), (9, 7), (10, 8),
            (11, 9), (12, 10), (13, 4), (14, 5), (15, 13), (16, 14), (17, 15), (18, 16),
            (19, 2)])
model = dict(
    layout='msr20',
    backbone=dict(graph_cfg=dict(_delete_=True, layout=msr20_graph, mode='stgcn_spatial')),
    queue_len=64,
    topk=32,
    momentum=0.99)
