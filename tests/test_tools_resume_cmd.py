"""CMD pretraining interrupted and resumed follows the uninterrupted loss trajectory.

``--resume`` must restore the query and key encoders, the queues and their
pointers, SGD momentum, the LR scheduler and the epoch. Augmentation runs in one
non-persistent data worker, which mmengine re-seeds identically every epoch, so
both runs see the same views.
"""
import pytest
import torch

from cmd_runs import logged_scalars, train


def test_resume_reproduces_the_uninterrupted_losses(tmp_path, tiny_synthetic_pkl):
    full = train(tmp_path / 'full', tiny_synthetic_pkl, 3)
    train(tmp_path / 'cut', tiny_synthetic_pkl, 1)
    resumed = train(tmp_path / 'cut', tiny_synthetic_pkl, 3, resume=True)

    expected, got = logged_scalars(tmp_path / 'full'), logged_scalars(tmp_path / 'cut')
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
