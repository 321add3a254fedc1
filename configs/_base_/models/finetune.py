# Semi-supervised / finetune / transfer (docs/protocols.md): as linear.py, but the whole
# encoder is trained with the new classifier (`pretrained=None`: from scratch, the
# supervised reference).
_base_ = ['./linear.py']
model = dict(frozen=())
