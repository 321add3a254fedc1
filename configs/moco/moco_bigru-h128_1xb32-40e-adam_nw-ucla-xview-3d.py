# Plain per-modality MoCo with Adam on Northwestern-UCLA: the CMD config of the same name
# without distillation (pairs=()), the baseline of the Adam probe.
_base_ = ['../cmd/cmd_bigru-h128_1xb32-40e-adam_nw-ucla-xview-3d.py']
model = dict(pairs=())
