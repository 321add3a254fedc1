"""Modality formulas (docs/method_cmd.md, docs/method_ikem.md) against hand computations and invariants."""
import math

import pytest
import torch

from cmd_mmaction.skeleton.layouts import get_layout
from cmd_mmaction.skeleton.modalities import (MODALITIES, accel, angular_velocity, bone,
                                              compute_modality, motion, rotation_axis)

torch.manual_seed(0)


def _random_rotation():
    q, _ = torch.linalg.qr(torch.randn(3, 3, dtype=torch.float64))
    return q * torch.sign(torch.det(q))


def test_motion_by_hand_and_last_frame_zero():
    x = torch.tensor([0., 1., 3., 6.]).reshape(4, 1, 1).expand(4, 25, 3)
    m = motion(x)
    assert torch.equal(m[:, 0, 0], torch.tensor([1., 2., 3., 0.]))
    s = torch.tensor(2.)
    assert torch.equal(motion(x, time_scale=s)[:, 0, 0], torch.tensor([2., 4., 6., 0.]))


def test_static_pose_has_zero_dynamics():
    x = torch.randn(1, 25, 3).expand(2, 8, 25, 3).contiguous()  # (M, T, V, C)
    for name in ('motion', 'accel', 'omega'):
        assert torch.allclose(compute_modality(name, x), torch.zeros_like(x), atol=1e-6), name


def test_accel_by_hand_zero_for_constant_velocity_and_scaled_twice():
    t = torch.arange(6.).reshape(6, 1, 1)
    x = (t ** 2).expand(6, 25, 3).contiguous()         # x = t², Δ² x = 2
    a = accel(x)
    assert torch.equal(a[:, 0, 0], torch.tensor([2., 2., 2., 2., 0., 0.]))
    lin = (3 * t).expand(6, 25, 3).contiguous()
    assert torch.equal(accel(lin), torch.zeros_like(lin))
    s = torch.tensor([0.5])
    scaled = accel(x.unsqueeze(0), time_scale=s)[0]
    assert torch.allclose(scaled, a * 0.25)


def test_bone_by_hand_centre_zero_and_rotation_keeps_lengths():
    x = torch.randn(3, 5, 25, 3, dtype=torch.float64)
    b = bone(x)
    lay = get_layout('nturgb+d')
    assert torch.equal(b[..., 0, :], x[..., 0, :] - x[..., 1, :])     # (1, 2) 1-based
    assert torch.equal(b[..., 21, :], x[..., 21, :] - x[..., 22, :])  # (22, 23)
    assert torch.equal(b[..., lay.center, :], torch.zeros_like(b[..., 0, :]))
    R = _random_rotation()
    rotated = bone(x @ R.T + torch.randn(3, dtype=torch.float64))
    assert torch.allclose(rotated.norm(dim=-1), b.norm(dim=-1))


def test_ikem6_torso_normal_is_unit_and_perpendicular():
    x = torch.randn(2, 4, 25, 3)
    b6 = bone(x, layout='nturgb+d-ikem6')
    assert torch.allclose(b6[..., 20, :].norm(dim=-1), torch.ones(2, 4))
    plain = bone(x)
    assert torch.allclose(b6[..., 22, :], x[..., 22, :] - x[..., 7, :])  # (23, 8) 1-based
    torso = plain[..., 1, :] - plain[..., 8, :]
    assert torch.allclose((b6[..., 20, :] * torso).sum(-1), torch.zeros(2, 4), atol=1e-5)


def test_rotation_axis_orthogonal_to_both_bones_and_by_hand():
    x = torch.randn(4, 6, 25, 3, dtype=torch.float64)
    r = rotation_axis(x)
    b = bone(x)
    partners = get_layout('nturgb+d').axis_partners
    b_j = b[..., partners, :]
    assert torch.allclose((r * b).sum(-1), torch.zeros(4, 6, 25, dtype=torch.float64), atol=1e-9)
    assert torch.allclose((r * b_j).sum(-1), torch.zeros(4, 6, 25, dtype=torch.float64), atol=1e-9)
    i, j = 2, 20  # joint 3 pairs with 21 (1-based)
    expected = torch.linalg.cross(b[..., i, :], b[..., j, :])
    assert torch.allclose(r[..., i, :], expected)


def test_cross_uses_last_dim_even_with_batch_three():
    """torch.cross without dim picks the first size-3 dim (docs/method_ikem.md)."""
    x = torch.randn(3, 3, 3, 25, 3)  # N = M = T = 3
    r = rotation_axis(x)
    for n in range(3):
        assert torch.allclose(r[n], rotation_axis(x[n]))


def test_angular_velocity_by_hand_and_zero_for_rigid_translation():
    x = torch.randn(2, 5, 25, 3, dtype=torch.float64)
    shift = torch.linspace(0, 1, 5, dtype=torch.float64).reshape(5, 1, 1) * torch.tensor(
        [0.3, -0.2, 0.5], dtype=torch.float64)
    still = x[:, :1].expand(2, 5, 25, 3) + shift
    assert torch.allclose(angular_velocity(still), torch.zeros_like(still), atol=1e-9)
    # by hand for one joint / frame
    w = angular_velocity(x)
    b = bone(x)
    i, j = 5, 4  # joint 6 pairs with 5 (1-based)

    def angle(t):
        u, v = b[0, t, i] / b[0, t, i].norm(), b[0, t, j] / b[0, t, j].norm()
        return math.atan2(torch.linalg.cross(u, v).norm().item(), (u @ v).item())

    axis = torch.linalg.cross(b[0, 1, i], b[0, 1, j])
    expected = (angle(2) - angle(1)) * axis / axis.norm()
    assert torch.allclose(w[0, 1, i], expected)
    assert torch.equal(w[:, -1], torch.zeros_like(w[:, -1]))
    s = torch.tensor([2.0, 3.0], dtype=torch.float64)
    assert torch.allclose(angular_velocity(x, time_scale=s), w * s.reshape(2, 1, 1, 1))


def test_shapes_and_errors():
    for shape in ((8, 25, 3), (2, 8, 25, 3), (4, 2, 8, 25, 3)):
        x = torch.randn(shape)
        for name in MODALITIES:
            assert compute_modality(name, x).shape == x.shape
    assert compute_modality('bone', torch.randn(2, 8, 20, 3), layout='msr20').shape == (2, 8, 20, 3)
    with pytest.raises(ValueError, match='unknown modality'):
        compute_modality('velocity', torch.randn(8, 25, 3))
    with pytest.raises(ValueError, match='unknown skeleton layout'):
        compute_modality('bone', torch.randn(8, 25, 3), layout='kinect-99')
    with pytest.raises(ValueError, match='25 joints'):
        compute_modality('bone', torch.randn(8, 17, 3))
