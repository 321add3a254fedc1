# The official CMD encoder: a 3-layer BiGRU (hidden 1024, official per-frame feeding,
# 2048-d representation at the last frame), the 2048-2048-128 projection of pretraining
# (--mlp; only its last layer xavier-initialised, as the official code) and the
# Linear(2048, C) classifier of the downstream protocols. Sizes of the skeleton and the
# class count come from the dataset config.
backbone = dict(type='BiGRU', in_channels=3, num_joints='{num_joints}', num_person='{num_person}',
                hidden=1024, num_layers=3, mode='official')
pool = None
neck = dict(type='ProjectionNeck', in_channels=2048, hid_channels=2048, out_channels=128,
            official_init=True)
cls_head = dict(type='LinearClsHead', num_classes='{num_classes}', in_channels=2048,
                average_clips='prob')
