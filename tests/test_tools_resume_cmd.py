"""CMD pretraining interrupted and resumed follows the uninterrupted loss trajectory.

``--resume`` must restore the query and key encoders, the queues and their
pointers, the optimizer's state (the main job's Adam moments), the LR scheduler and
the epoch, and both runs must see the same augmented views. With one non-persistent data worker, augmentation runs
in the worker, which mmengine re-seeds identically every epoch; with
``num_workers=0`` it runs in the main process, whose random generators
``EpochSeedHook`` (added by tools/train.py) re-seeds from (seed, epoch) before
every epoch.
"""
import pytest
import torch
from mmengine.config import Config

from cmd_mmaction.engine.epoch_seed import epoch_seed
from cmd_runs import CONFIG, logged_scalars, train, train_tool

# mmengine fills a scheduler's missing `end` with max_epochs and checkpoints it; the run
# cut short after epoch 1 would then keep end=1, so it is pinned
STEPPED = """_base_ = [{base!r}]
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[2], gamma=0.1, end=3)]
"""


@pytest.mark.parametrize('workers', [1, 0])
@pytest.mark.slow
def test_resume_reproduces_the_uninterrupted_losses(tmp_path, tiny_synthetic_pkl, workers):
    opt = f'train_dataloader.num_workers={workers}'
    config = tmp_path / 'stepped.py'  # the main job's config with an lr step inside the run
    config.write_text(STEPPED.format(base=CONFIG))
    full = train(tmp_path / 'full', tiny_synthetic_pkl, 3, opt, config=config)
    train(tmp_path / 'cut', tiny_synthetic_pkl, 1, opt, config=config)
    resumed = train(tmp_path / 'cut', tiny_synthetic_pkl, 3, opt, resume=True, config=config)

    expected, got = logged_scalars(tmp_path / 'full'), logged_scalars(tmp_path / 'cut')
    assert len(expected) >= 6 and set(got) == set(expected)
    later = [key for key in expected if key[0] > 1]
    lr = {key[0]: expected[key]['lr'] for key in expected}
    assert lr[3] == pytest.approx(0.1 * lr[1])  # the step after epoch 2 is inside the run
    for key in sorted(later):  # epochs 2 and 3 ran after the resume
        for name in ('loss', 'loss_cmd', 'loss_moco_joint', 'loss_moco_bone', 'lr'):
            assert got[key][name] == pytest.approx(expected[key][name], rel=1e-4, abs=1e-6), \
                (key, name)
    # and the final states agree: encoders, key encoders, queues, pointers
    ours, theirs = resumed.model.state_dict(), full.model.state_dict()
    assert set(ours) == set(theirs)
    for key in ours:
        torch.testing.assert_close(ours[key], theirs[key], rtol=1e-4, atol=1e-5, msg=key)
    assert int(ours['queues.joint.ptr']) == int(theirs['queues.joint.ptr'])


def test_train_adds_the_epoch_seed_hook_once(tmp_path):
    args = train_tool.parse_args([CONFIG, '--work-dir', str(tmp_path)])
    cfg = train_tool.merge_args(Config.fromfile(CONFIG), args)
    assert [h['type'] for h in cfg.custom_hooks] == ['NonFiniteLossHook', 'EpochSeedHook']
    assert train_tool.merge_args(cfg, args).custom_hooks == cfg.custom_hooks  # not twice
    cfg.custom_hooks = []  # a config with its own (empty) list still gets it
    assert [h['type'] for h in train_tool.merge_args(cfg, args).custom_hooks] == ['EpochSeedHook']
    seeds = {epoch_seed(seed, epoch) for seed in range(3) for epoch in range(3)}
    assert len(seeds) == 9  # (0, 1) and (1, 0) differ, unlike seed + epoch
