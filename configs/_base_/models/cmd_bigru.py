# CMD with the official BiGRU encoder (METHODS.md §3.1, §4, §6.1): per modality a
# 3-layer BiGRU (hidden 1024, 2048-d representation) and a 2048-2048-128 MLP head;
# the method's hyper-parameters come from cmd.py.
_base_ = ['./cmd.py']
model = dict(
    backbone=dict(type='BiGRU', in_channels=3, num_joints=25, num_person=2,
                  hidden=1024, num_layers=3, mode='official'),
    head=dict(type='ProjectionNeck', in_channels=2048, hid_channels=2048,
              out_channels=128, official_init=True))
