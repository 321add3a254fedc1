# IKEM relational-KD schedule (docs/method_ikem.md): as the teacher's, 150 epochs, lr x0.1
# once 125 epochs are finished. Only the students are optimised (the teacher is frozen).
_base_ = ['./ikem_sgd_300e.py']
train_cfg = dict(max_epochs=150)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[125], gamma=0.1)]
