# IKEM linear evaluation (docs/method_ikem.md): as linear.py (frozen encoder in eval mode),
# the classifier (GCNHead Linear(256, C)) drawn with IKEM's N(0, 0.02) init.
_base_ = ['./linear.py']
model = dict(cls_head=dict(_delete_=True, type='GCNHead', num_classes='{num_classes}',
                           in_channels=256, init_cfg=dict(type='IKEMInit')))
