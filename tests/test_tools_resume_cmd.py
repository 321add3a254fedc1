"""CMD pretraining interrupted and resumed follows the uninterrupted loss trajectory.

``--resume`` must restore the query and key encoders, the queues and their
pointers, SGD momentum, the LR scheduler and the epoch. Augmentation runs in one
non-persistent data worker, which mmengine re-seeds identically every epoch, so
both runs see the same views.
"""
import json
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import train as train_tool  # noqa: E402
from tools.quickstart import CONFIG  # noqa: E402

TINY = ['model.backbone.hidden=8', 'model.backbone.num_layers=1',
        'model.head.in_channels=16', 'model.head.hid_channels=16',
        'model.queue_len=10', 'model.topk=4', 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=1', 'train_dataloader.persistent_workers=False',
        'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1',
        'train_cfg.val_begin=100', 'param_scheduler.0.milestones=[2]',
        # mmengine fills a scheduler's missing `end` with max_epochs and checkpoints it; the
        # cut run has max_epochs=1, so the schedule is pinned for both runs
        'param_scheduler.0.end=3']


def _train(work_dir, ann_file, epochs, resume=False):
    argv = [CONFIG, '--work-dir', str(work_dir), '--cfg-options',
            f'train_dataloader.dataset.ann_file={ann_file}', f'train_cfg.max_epochs={epochs}',
            *TINY]
    return train_tool.main(argv + (['--resume'] if resume else []))


def _losses(work_dir):
    """(epoch, iter) -> logged scalars, from every run in the work dir."""
    records = {}
    for path in sorted(Path(work_dir).glob('*/vis_data/scalars.json')):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if 'loss' in record:
                records[(record['epoch'], record['iter'])] = record
    return records


def test_resume_reproduces_the_uninterrupted_losses(tmp_path, tiny_synthetic_pkl):
    full = _train(tmp_path / 'full', tiny_synthetic_pkl, 3)
    _train(tmp_path / 'cut', tiny_synthetic_pkl, 1)
    resumed = _train(tmp_path / 'cut', tiny_synthetic_pkl, 3, resume=True)

    expected, got = _losses(tmp_path / 'full'), _losses(tmp_path / 'cut')
    assert len(expected) >= 6 and set(got) == set(expected)
    later = [key for key in expected if key[0] > 1]
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
