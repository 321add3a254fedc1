"""tools/analysis/temporal_reach.py: how much of a clip the representation remembers."""
import importlib.util
import math
import os.path as osp

import numpy as np
import pytest
import torch

from cmd_mmaction.models.backbones import BiGRU

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    'temporal_reach', osp.join(ROOT, 'tools/analysis/temporal_reach.py'))
temporal_reach = importlib.util.module_from_spec(spec)
spec.loader.exec_module(temporal_reach)
CONFIG = osp.join(ROOT, 'configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py')


def leaky_gru(update_bias: float) -> BiGRU:
    """One-layer BiGRU on 3 inputs whose state never feeds its gates: with update gate
    z = sigmoid(update_bias), h_t = (1 - z) tanh(W x_t + b) + z h_{t-1}."""
    gru = BiGRU(in_channels=3, num_joints=1, num_person=1, hidden=2, num_layers=1)
    torch.manual_seed(0)
    gru.init_weights()
    for suffix in ('_l0', '_l0_reverse'):
        with torch.no_grad():
            getattr(gru.gru, 'weight_hh' + suffix).zero_()
            getattr(gru.gru, 'bias_hh' + suffix).zero_()
            getattr(gru.gru, 'weight_ih' + suffix)[2:4].zero_()  # rows (r, z, n): z
            getattr(gru.gru, 'bias_ih' + suffix)[2:4] = update_bias
    return gru.eval()  # input BatchNorm: running mean 0, var 1


def by_hand(gru: BiGRU, x: np.ndarray) -> np.ndarray:
    """The last-frame state of ``leaky_gru`` on ``x`` (N, T, 3), both directions."""
    x = x / math.sqrt(1 + gru.input_norm.eps)
    states = []
    for suffix in ('_l0', '_l0_reverse'):  # official mode: both run forward in time
        w = getattr(gru.gru, 'weight_ih' + suffix).detach().numpy()[4:]
        b = getattr(gru.gru, 'bias_ih' + suffix).detach().numpy()
        z = 1 / (1 + math.exp(-b[2]))
        h = np.zeros((x.shape[0], 2))
        for t in range(x.shape[1]):
            h = (1 - z) * np.tanh(x[:, t] @ w.T + b[4:]) + z * h
        states.append(h)
    return np.concatenate(states, axis=1)


def test_truncation_error_matches_a_hand_computed_leaky_state():
    gru = leaky_gru(0.0)  # z = 0.5: frame t - j weighs 2^-(j+1)
    x = torch.randn(6, 1, 12, 1, 3)
    frames = (1, 2, 5)
    got = temporal_reach.truncation_error(gru, x, frames)
    xs = x[:, 0, :, 0].numpy()
    full = by_hand(gru, xs)
    spread = np.linalg.norm(full - full.mean(0), axis=1).mean()
    for k in frames:
        cut = by_hand(gru, xs[:, -k:])
        expected = np.linalg.norm(full - cut, axis=1).mean() / spread
        assert got[k] == pytest.approx(expected, rel=1e-4)
    assert got[1] > got[2] > got[5] > 0  # more kept frames, less error


def test_a_state_of_the_last_frame_only_has_no_reach():
    got = temporal_reach.truncation_error(leaky_gru(-50.0), torch.randn(6, 1, 12, 1, 3), (1, 4))
    assert got == {1: pytest.approx(0, abs=1e-6), 4: pytest.approx(0, abs=1e-6)}


def test_frames_must_be_shorter_than_the_clip():
    with pytest.raises(ValueError, match='1..11'):
        temporal_reach.truncation_error(leaky_gru(0.0), torch.randn(2, 1, 12, 1, 3), (12,))


def test_main_reports_every_modality_of_a_pretraining_config(tiny_synthetic_pkl, capsys):
    results = temporal_reach.main([
        CONFIG, 'random-init', '--frames', '4', '16', '--max-samples', '8', '--cfg-options',
        f'ann_file={tiny_synthetic_pkl}', 'backbone.hidden=8', 'backbone.num_layers=1',
        'neck.in_channels=16', 'neck.hid_channels=16'])
    assert list(results['random-init']) == ['joint', 'motion', 'bone']
    for errors in results['random-init'].values():
        assert set(errors) == {4, 16} and all(np.isfinite(v) and v >= 0 for v in errors.values())
    out = capsys.readouterr().out
    assert '| random-init | joint |' in out and 'last 16' in out
