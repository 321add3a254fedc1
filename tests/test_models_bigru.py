"""BiGRU backbone: official per-frame semantics, true bidirectional mode, layout, init."""
import math

import pytest
import torch
import torch.nn as nn

import cmd_mmaction  # noqa: F401
from cmd_mmaction.models.backbones import BiGRU
from mmaction.registry import MODELS

N, M, T, V, C, H = 3, 2, 6, 25, 3, 16


def _model(mode='official', num_layers=3, readout='last'):
    torch.manual_seed(0)
    model = BiGRU(hidden=H, num_layers=num_layers, mode=mode, readout=readout)
    model.init_weights()
    # non-trivial BN statistics, eval mode: the same normalisation in both paths
    model.input_norm.running_mean.uniform_(-0.5, 0.5)
    model.input_norm.running_var.uniform_(0.5, 2.0)
    return model.eval()


def _flatten_by_hand(model, x):
    """Official input path: (N, M, T, V, C) -> (N, T, V, C, M) -> (N, T, V*C*M) -> BN."""
    n, m, t, v, c = x.shape
    flat = torch.empty(n, t, v * c * m)
    for vi in range(v):
        for ci in range(c):
            for mi in range(m):
                flat[:, :, vi * c * m + ci * m + mi] = x[:, mi, :, vi, ci]
    bn = model.input_norm
    return (flat - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias


def _per_frame_outputs(gru, flat):
    """The official EncoderRNN: the bidirectional GRU fed one frame per call;
    its top-layer output at every frame, (N, T, 2H)."""
    hidden, outputs = None, []
    for t in range(flat.shape[1]):
        out, hidden = gru(flat[:, t:t + 1], hidden)
        outputs.append(out[:, 0])
    return torch.stack(outputs, dim=1)


def _per_frame_loop(gru, flat):
    """The official feature: the output at the last frame."""
    return _per_frame_outputs(gru, flat)[:, -1]


def test_official_mode_equals_per_frame_loop():
    model = _model('official')
    x = torch.randn(N, M, T, V, C)
    with torch.no_grad():
        expected = _per_frame_loop(model.gru, _flatten_by_hand(model, x))
        out = model(x)
    assert out.shape == (N, 2 * H)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


def test_official_mode_gradients_equal_loop():
    model = _model('official', num_layers=2)
    x = torch.randn(N, M, T, V, C)
    model(x).square().sum().backward()
    fast = {n: p.grad.clone() for n, p in model.named_parameters()}
    model.zero_grad()
    _per_frame_loop(model.gru, _flatten_by_hand(model, x)).square().sum().backward()
    for name, param in model.named_parameters():
        if name.startswith('gru.'):
            torch.testing.assert_close(fast[name], param.grad, atol=1e-5, rtol=1e-4)


def test_bidirectional_mode_is_a_true_bidirectional_gru():
    model = _model('bidirectional')
    x = torch.randn(N, M, T, V, C)
    with torch.no_grad():
        flat = _flatten_by_hand(model, x)
        reference = nn.GRU(M * V * C, H, num_layers=3, bidirectional=True, batch_first=True)
        reference.load_state_dict(model.gru.state_dict())
        outputs, _ = reference(flat)  # whole sequence at once
        expected = torch.cat([outputs[:, -1, :H], outputs[:, 0, H:]], dim=1)
        out = model(x)
        loop = _per_frame_loop(model.gru, flat)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)
    assert (out - loop).abs().max() > 1e-3  # not the official per-frame features


def test_mean_readout_averages_the_top_outputs_over_frames():
    x = torch.randn(N, M, T, V, C)
    official = _model('official', readout='mean')
    bidirectional = _model('bidirectional', readout='mean')
    with torch.no_grad():
        flat = _flatten_by_hand(official, x)
        expected = _per_frame_outputs(official.gru, flat).mean(dim=1)
        torch.testing.assert_close(official(x), expected, atol=1e-5, rtol=0)
        reference = nn.GRU(M * V * C, H, num_layers=3, bidirectional=True, batch_first=True)
        reference.load_state_dict(bidirectional.gru.state_dict())
        expected = reference(_flatten_by_hand(bidirectional, x))[0].mean(dim=1)
        torch.testing.assert_close(bidirectional(x), expected, atol=1e-5, rtol=0)
    # same parameters as the last-frame encoder, so checkpoints load either way
    assert set(official.state_dict()) == set(_model('official').state_dict())


def test_parameter_names_match_bidirectional_nn_gru():
    model = BiGRU(hidden=H)
    reference = nn.GRU(M * V * C, H, num_layers=3, bidirectional=True, batch_first=True)
    expected = {f'gru.{k}' for k in reference.state_dict()} | {
        f'input_norm.{k}' for k in nn.BatchNorm1d(M * V * C).state_dict()}
    assert set(model.state_dict()) == expected
    assert 'gru.weight_ih_l2_reverse' in expected


def test_init_is_xavier_on_matrices_only():
    torch.manual_seed(0)
    model = BiGRU(hidden=H)
    biases = {n: p.clone() for n, p in model.named_parameters() if p.dim() == 1}
    model.init_weights()
    for name, param in model.gru.named_parameters():
        if param.dim() == 2:
            bound = math.sqrt(6.0 / (param.shape[0] + param.shape[1]))
            assert param.abs().max() <= bound
            assert param.detach().std().item() == pytest.approx(bound / math.sqrt(3), rel=0.15)
    for name, param in model.named_parameters():
        if param.dim() == 1:
            assert torch.equal(param, biases[name])


def test_builds_from_registry_and_rejects_bad_input():
    model = MODELS.build(dict(type='BiGRU', in_channels=3, num_joints=20, num_person=1,
                              hidden=8, num_layers=1))
    assert model(torch.randn(2, 1, 4, 20, 3)).shape == (2, 16)
    with pytest.raises(ValueError, match=r'BiGRU expects input \(N, M=1'):
        model(torch.randn(2, 2, 4, 20, 3))
    with pytest.raises(ValueError, match='mode must be one of'):
        BiGRU(mode='reverse')
    with pytest.raises(ValueError, match='readout must be one of'):
        BiGRU(readout='max')


@pytest.mark.parametrize('mode', ['official', 'bidirectional'])
def test_autocast_runs_the_gru_in_bf16_with_fp32_master_weights(mode):
    """CPU autocast skips GRU kernels; BiGRU casts them itself (the --amp speed-up)."""
    torch.manual_seed(0)
    model = BiGRU(hidden=32, num_layers=2, mode=mode)
    model.init_weights()
    x = torch.randn(4, 2, 9, 25, 3)
    reference = model(x)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = model(x)
    assert reference.dtype == torch.float32 and out.dtype == torch.bfloat16
    # bf16 has an 8-bit mantissa: ~1e-2 relative error through two GRU layers
    torch.testing.assert_close(out.float(), reference, rtol=0, atol=3e-2)
    out.float().sum().backward()
    for name, param in model.gru.named_parameters():
        assert param.dtype == torch.float32 and param.grad is not None, name
        assert param.grad.dtype == torch.float32 and param.grad.abs().sum() > 0, name
