"""The Adam variants of the real-data pretraining configs (the main job's optimizer)
must differ from their SGD configs in the optimizer and the lr schedule only."""
from cmd_mmaction.utils import load_config


def assert_only_the_optimizer_differs(sgd_path, adam_path):
    sgd, adam = load_config(str(sgd_path)), load_config(str(adam_path))
    assert adam.optim_wrapper.optimizer == dict(type='Adam', lr=3e-3, weight_decay=0)
    assert adam.param_scheduler == []  # constant lr
    assert adam.optim_wrapper.constructor == sgd.optim_wrapper.constructor
    for key in ('model', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'train_cfg'):
        assert adam[key].to_dict() == sgd[key].to_dict(), key
