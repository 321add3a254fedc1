# The baseline CMD claims to beat: one plain MoCo per modality, everything as in cmd.py
# but without the distillation term.
_base_ = ['./cmd.py']
model = dict(pairs=())
