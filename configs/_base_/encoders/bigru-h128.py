# The BiGRU at CPU size for small datasets: hidden 128 x 2 layers (256-d representation).
_base_ = ['./bigru.py']
backbone = dict(hidden=128, num_layers=2)
neck = dict(in_channels=256, hid_channels=256)
cls_head = dict(in_channels=256)
