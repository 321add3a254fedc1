"""IKEM six-modality invariants not covered by test_modalities_formulas.py:
the 6-view layout (hand bones, torso-normal bone 21), rigid rotations,
boundary frames and per-sample time scaling of every modality."""
import pytest
import torch

from cmd_mmaction.skeleton.layouts import get_layout
from cmd_mmaction.skeleton.modalities import MODALITIES, bone, compute_modality

LAYOUT = 'nturgb+d-ikem6'
torch.manual_seed(0)


def _rotation(angle: float, axis: int) -> torch.Tensor:
    c, s = torch.cos(torch.tensor(angle, dtype=torch.float64)), torch.sin(
        torch.tensor(angle, dtype=torch.float64))
    i, j = [k for k in range(3) if k != axis]
    R = torch.eye(3, dtype=torch.float64)
    R[i, i], R[i, j], R[j, i], R[j, j] = c, -s, s, c
    return R


def test_ikem6_static_pose_has_zero_dynamics():
    x = torch.randn(2, 1, 25, 3).expand(2, 7, 25, 3).contiguous()
    for name in ('motion', 'accel', 'omega'):
        out = compute_modality(name, x, LAYOUT, time_scale=torch.tensor([2.0, 0.5]))
        assert torch.allclose(out, torch.zeros_like(out), atol=1e-5), name


def test_ikem6_accel_zero_for_constant_velocity():
    x0, v = torch.randn(25, 3), torch.randn(25, 3)
    x = x0 + torch.arange(9.).reshape(9, 1, 1) * v                  # (T, V, C)
    assert torch.allclose(compute_modality('accel', x, LAYOUT), torch.zeros_like(x), atol=1e-5)


def test_ikem6_rotation_axis_orthogonal_to_both_bones_and_centre_zero():
    x = torch.randn(3, 5, 25, 3, dtype=torch.float64)
    r = compute_modality('axis', x, LAYOUT)
    b = bone(x, layout=LAYOUT)            # hand bones and torso-normal bone 21
    b_j = b[..., get_layout(LAYOUT).axis_partners, :]
    zero = torch.zeros(3, 5, 25, dtype=torch.float64)
    assert torch.allclose((r * b).sum(-1), zero, atol=1e-9)
    assert torch.allclose((r * b_j).sum(-1), zero, atol=1e-9)
    assert torch.allclose(r[..., 20, :], torch.zeros_like(r[..., 20, :]), atol=1e-12)  # b21 x b21
    # joint 22 pairs with the hand (joint 8, 1-based) in the 6-view bone list
    assert torch.allclose(b[..., 21, :], x[..., 21, :] - x[..., 7, :])


@pytest.mark.parametrize('layout', ['nturgb+d', LAYOUT])
def test_omega_zero_for_rigid_translation_and_per_frame_rotation(layout):
    x = torch.randn(1, 25, 3, dtype=torch.float64).expand(6, 25, 3)
    shift = torch.randn(6, 1, 3, dtype=torch.float64)
    moved = torch.stack([x[t] @ _rotation(0.3 * t, t % 3).T for t in range(6)]) + shift
    omega = compute_modality('omega', moved, layout)
    assert torch.allclose(omega, torch.zeros_like(omega), atol=1e-9)
    # but a bone pair that opens up has a non-zero angular velocity
    bent = moved.clone()
    bent[3:, 6] += torch.tensor([0.5, 0.0, 0.0], dtype=torch.float64)  # move the left wrist
    assert compute_modality('omega', bent, layout).abs().sum() > 0


def test_boundary_frames_of_every_temporal_modality():
    x = torch.randn(2, 2, 8, 25, 3)
    s = torch.tensor([1.5, 0.25])
    zero_tail = {'motion': 1, 'accel': 2, 'omega': 1}
    for name, tail in zero_tail.items():
        out = compute_modality(name, x, LAYOUT, time_scale=s)
        assert torch.equal(out[..., -tail:, :, :], torch.zeros_like(out[..., -tail:, :, :]))
        assert out[..., :-tail, :, :].abs().amin(dim=(-1, -2)).gt(0).all() or name == 'omega'
        assert out[..., -tail - 1, :, :].abs().sum() > 0, name  # the frame before is not zeroed


def test_time_scaling_per_sample_powers():
    x = torch.randn(3, 2, 8, 25, 3, dtype=torch.float64)
    s = torch.tensor([2.0, 0.5, 3.0], dtype=torch.float64)
    power = {'joint': 0, 'bone': 0, 'axis': 0, 'motion': 1, 'accel': 2, 'omega': 1}
    assert set(power) == set(MODALITIES)
    for name, p in power.items():
        plain = compute_modality(name, x, LAYOUT)
        scaled = compute_modality(name, x, LAYOUT, time_scale=s)
        assert torch.allclose(scaled, plain * (s ** p).reshape(3, 1, 1, 1, 1)), name
