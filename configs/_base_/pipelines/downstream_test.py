# Evaluation only (fusion, kNN of downstream checkpoints): the downstream test data, no
# training or validation loop; train each stream with its own config.
_base_ = ['./downstream.py', '../default_runtime.py']
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
