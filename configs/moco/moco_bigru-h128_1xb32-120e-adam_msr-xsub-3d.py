# Plain per-modality MoCo with Adam on MSR Action3D: the CMD config of the same name
# without distillation (pairs=()), the baseline of the Adam probe.
_base_ = ['../cmd/cmd_bigru-h128_1xb32-120e-adam_msr-xsub-3d.py']
model = dict(pairs=())
