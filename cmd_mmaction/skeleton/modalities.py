"""Skeleton modalities as pure functions (docs/method_cmd.md, docs/method_ikem.md).

Every function takes a channel-last tensor ``x`` of shape ``(..., T, V, C=3)``
(time at dim -3, joints at -2, xyz at -1, any leading dims such as ``(N, M)``)
and returns a tensor of the same shape. Models call them batched on the device
(``x`` of shape ``(N, M, T, V, 3)``); the ``GenModality`` transform wraps the same
functions for the CPU side, so each formula exists once.

``time_scale`` (IKEM's "true timeline", ``s = 50 / raw_frame_count``) has one
value per leading index, e.g. shape ``(N,)``; it multiplies motion by ``s``,
acceleration by ``s²`` (``Δ(motion·s)·s``) and angular velocity by ``s``.
``None`` means ``s = 1`` (CMD).
"""
from typing import Optional

import torch
import torch.nn.functional as F

from .layouts import get_layout

MODALITIES = ('joint', 'motion', 'bone', 'accel', 'axis', 'omega')
ALIASES = {'acceleration': 'accel', 'rotation_axis': 'axis', 'angular_velocity': 'omega',
           'j': 'joint', 'm': 'motion', 'b': 'bone'}


def _broadcast_scale(time_scale: Optional[torch.Tensor], x: torch.Tensor):
    if time_scale is None:
        return None
    s = torch.as_tensor(time_scale, dtype=x.dtype, device=x.device)
    return s.reshape(s.shape + (1, ) * (x.dim() - s.dim()))


def _temporal_diff(x: torch.Tensor, zero_last: int = 1) -> torch.Tensor:
    """``d[t] = x[t+1] - x[t]``; the last ``zero_last`` frames are 0."""
    out = torch.zeros_like(x)
    T = x.shape[-3]
    if T > zero_last:
        valid = T - zero_last
        out[..., :valid, :, :] = x[..., 1:valid + 1, :, :] - x[..., :valid, :, :]
    return out


def joint(x: torch.Tensor, **_) -> torch.Tensor:
    """The (augmented) coordinates themselves."""
    return x


def motion(x: torch.Tensor, time_scale=None, **_) -> torch.Tensor:
    """``m[t] = (x[t+1] - x[t])·s``, last frame 0."""
    m = _temporal_diff(x, 1)
    s = _broadcast_scale(time_scale, x)
    return m if s is None else m * s


def bone(x: torch.Tensor, layout='nturgb+d', **_) -> torch.Tensor:
    """``b[v] = x[v] - x[parent(v)]``; the centre joint's bone is 0.

    Layouts with ``torso_normal=(a, b, c)`` (IKEM 6-view) replace the centre
    bone by ``normalize((b_a - b_b) × (b_c - b_b))``, the unit normal of the
    torso plane.
    """
    lay = get_layout(layout)
    parents = torch.as_tensor(lay.parents, device=x.device)
    b = x - x.index_select(-2, parents)
    if lay.torso_normal is not None:
        i, j, k = lay.torso_normal
        normal = torch.cross(b[..., i, :] - b[..., j, :], b[..., k, :] - b[..., j, :], dim=-1)
        b = b.clone()
        b[..., lay.center, :] = F.normalize(normal, dim=-1, eps=1e-12)
    return b


def accel(x: torch.Tensor, time_scale=None, **_) -> torch.Tensor:
    """``a[t] = (m_s[t+1] - m_s[t])·s`` with ``m_s`` the scaled motion; last two frames 0."""
    a = _temporal_diff(motion(x, time_scale=time_scale), 2)
    s = _broadcast_scale(time_scale, x)
    return a if s is None else a * s


def rotation_axis(x: torch.Tensor, layout='nturgb+d', **_) -> torch.Tensor:
    """``r_i = b_i × b_j`` for the layout's axis pairs (un-normalised, as IKEM's code)."""
    lay = get_layout(layout)
    b = bone(x, layout=lay)
    partners = torch.as_tensor(lay.axis_partners, device=x.device)
    # dim=-1 always: without it torch picks the first size-3 dim (wrong for batch 3)
    return torch.cross(b, b.index_select(-2, partners), dim=-1)


def angular_velocity(x: torch.Tensor, layout='nturgb+d', time_scale=None, **_) -> torch.Tensor:
    """``ω_i[t] = (θ_i[t+1] - θ_i[t])·r̂_i[t]·s``, last frame 0.

    ``θ_i = atan2(|b̂_i × b̂_j|, b̂_i·b̂_j)`` is the angle between the unit bones of
    the axis pair and ``r̂`` the unit rotation axis (a zero axis stays zero).
    """
    lay = get_layout(layout)
    b = F.normalize(bone(x, layout=lay), dim=-1, eps=1e-12)
    partners = torch.as_tensor(lay.axis_partners, device=x.device)
    b_j = b.index_select(-2, partners)
    cross = torch.cross(b, b_j, dim=-1)
    theta = torch.atan2(cross.norm(dim=-1), (b * b_j).sum(-1))  # (..., T, V)
    dtheta = _temporal_diff(theta.unsqueeze(-1), 1)           # (..., T, V, 1)
    omega = dtheta * F.normalize(rotation_axis(x, layout=lay), dim=-1, eps=1e-12)
    s = _broadcast_scale(time_scale, x)
    return omega if s is None else omega * s


_FUNCTIONS = dict(joint=joint, motion=motion, bone=bone, accel=accel, axis=rotation_axis,
                  omega=angular_velocity)


def canonical_name(name: str) -> str:
    """Map a modality name or alias to one of :data:`MODALITIES`."""
    key = ALIASES.get(name, name)
    if key not in _FUNCTIONS:
        raise ValueError(f'unknown modality {name!r}; valid names: {list(MODALITIES)} '
                         f'(aliases: {sorted(ALIASES)})')
    return key


def compute_modality(name: str, x: torch.Tensor, layout='nturgb+d',
                     time_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Compute modality ``name`` of joints ``x`` ``(..., T, V, 3)``; same shape out."""
    if x.shape[-1] != 3:
        raise ValueError(f'modality {name!r} needs xyz in the last dim, got shape {tuple(x.shape)}')
    num_joints = get_layout(layout).num_joints
    if x.shape[-2] != num_joints:
        raise ValueError(f'layout {get_layout(layout).name!r} has {num_joints} joints, '
                         f'got shape {tuple(x.shape)}')
    return _FUNCTIONS[canonical_name(name)](x, layout=layout, time_scale=time_scale)
