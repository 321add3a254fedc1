"""The body: NTU-25 joint order, rest bone offsets, forward kinematics and the
per-subject proportions of the procedural dataset."""
from typing import List

import numpy as np

NUM_JOINTS = 25
FPS = 30.0

# 0-based joint indices (NTU 1-based number - 1)
(BASE, MID, NECK, HEAD, L_SHO, L_ELB, L_WRI, L_HAND, R_SHO, R_ELB, R_WRI, R_HAND,
 L_HIP, L_KNEE, L_ANK, L_FOOT, R_HIP, R_KNEE, R_ANK, R_FOOT, SPINE_SH, L_TIP, L_THUMB,
 R_TIP, R_THUMB) = range(NUM_JOINTS)

#: Parent of each joint (0-based, -1 for the root, spine base). Hand tips and
#: thumbs hang from the hand.
PARENTS = np.array([-1, BASE, SPINE_SH, NECK, SPINE_SH, L_SHO, L_ELB, L_WRI,
                    SPINE_SH, R_SHO, R_ELB, R_WRI, BASE, L_HIP, L_KNEE, L_ANK,
                    BASE, R_HIP, R_KNEE, R_ANK, MID, L_HAND, L_HAND, R_HAND, R_HAND])
#: (child, parent) 0-based bones of the kinematic tree (24 bones).
BONES = tuple((c, int(p)) for c, p in enumerate(PARENTS) if p >= 0)

# Rest offsets (metres, 1.75 m adult) of each joint from its parent, in the body
# frame: x = subject's right, y up, subject faces -z. Arms hang, palms inwards.
_REST = np.zeros((NUM_JOINTS, 3))
_REST[MID] = (0, 0.25, 0)
_REST[SPINE_SH] = (0, 0.22, 0)
_REST[NECK] = (0, 0.07, 0)
_REST[HEAD] = (0, 0.15, -0.01)
for _side, (_sho, _elb, _wri, _hand, _tip, _thumb) in (
        (-1, (L_SHO, L_ELB, L_WRI, L_HAND, L_TIP, L_THUMB)),
        (+1, (R_SHO, R_ELB, R_WRI, R_HAND, R_TIP, R_THUMB))):
    _REST[_sho] = (0.17 * _side, -0.04, 0)
    _REST[_elb] = (0, -0.28, 0)
    _REST[_wri] = (0, -0.25, 0)
    _REST[_hand] = (0, -0.08, 0)
    _REST[_tip] = (0, -0.08, 0)
    _REST[_thumb] = (-0.01 * _side, -0.02, -0.04)
for _side, (_hip, _knee, _ank, _foot) in ((-1, (L_HIP, L_KNEE, L_ANK, L_FOOT)),
                                          (+1, (R_HIP, R_KNEE, R_ANK, R_FOOT))):
    _REST[_hip] = (0.085 * _side, -0.06, 0)
    _REST[_knee] = (0, -0.42, 0)
    _REST[_ank] = (0, -0.41, 0)
    _REST[_foot] = (0, -0.05, -0.12)

_TORSO = (MID, SPINE_SH, NECK, HEAD)
_ARMS = (L_SHO, L_ELB, L_WRI, L_HAND, L_TIP, L_THUMB, R_SHO, R_ELB, R_WRI, R_HAND,
         R_TIP, R_THUMB)
_LEGS = (L_HIP, L_KNEE, L_ANK, L_FOOT, R_HIP, R_KNEE, R_ANK, R_FOOT)


def _depth_levels() -> List[np.ndarray]:
    depth = np.zeros(NUM_JOINTS, dtype=int)
    for j in range(NUM_JOINTS):
        p = j
        while PARENTS[p] >= 0:
            p = PARENTS[p]
            depth[j] += 1
    return [np.flatnonzero(depth == d) for d in range(depth.max() + 1)]


_LEVELS = _depth_levels()  # joints grouped by tree depth: FK is 8 vectorised steps
# radians of posture drift per bone: small on the trunk and legs (they carry the
# body), larger on arms, hands and the head
_DRIFT_SCALE = np.full(NUM_JOINTS, 0.04)
_DRIFT_SCALE[[MID, SPINE_SH, L_KNEE, L_ANK, R_KNEE, R_ANK]] = 0.015
_DRIFT_SCALE[[L_FOOT, R_FOOT, L_SHO, R_SHO, L_HIP, R_HIP]] = 0.0
_DRIFT_SCALE[[L_ELB, R_ELB, L_WRI, R_WRI, NECK, HEAD]] = 0.06
_DRIFT_SCALE[[L_HAND, R_HAND]] = 0.1


# --------------------------------------------------------------------------- maths
def _rot(axis: str, angle: np.ndarray) -> np.ndarray:
    """Rotation matrices about a body axis, shape angle.shape + (3, 3)."""
    c, s = np.cos(angle), np.sin(angle)
    o, z = np.ones_like(angle), np.zeros_like(angle)
    rows = {'x': ((o, z, z), (z, c, -s), (z, s, c)),
            'y': ((c, z, s), (z, o, z), (-s, z, c)),
            'z': ((c, -s, z), (s, c, z), (z, z, o))}[axis]
    return np.stack([np.stack(r, -1) for r in rows], -2)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    """0 -> 1 raised-cosine ramp of x clipped to [0, 1]."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(x, 0.0, 1.0))


def _window(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Ramp 0 -> 1 as u goes from a to b."""
    return _smoothstep((u - a) / max(b - a, 1e-6))


def _bump(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Smooth 0 -> 1 -> 0 bump on [a, b]."""
    x = np.clip((u - a) / max(b - a, 1e-6), 0.0, 1.0)
    return np.sin(np.pi * x) ** 2


def forward_kinematics(offsets: np.ndarray, angles: np.ndarray, root_pos: np.ndarray,
                       root_yaw: np.ndarray) -> np.ndarray:
    """Joint positions from per-bone rotations.

    Args:
        offsets (np.ndarray): rest offset of each joint from its parent, (V, 3).
        angles (np.ndarray): rotation of the bone that ends at each joint, as
            (pitch about x, roll about z, yaw about y) radians, (V, 3, T);
            applied as ``Ry(yaw) @ Rz(roll) @ Rx(pitch)`` in the parent's frame.
        root_pos (np.ndarray): spine-base position, (T, 3).
        root_yaw (np.ndarray): whole-body rotation about the vertical, (T,).

    Returns:
        np.ndarray: positions (T, V, 3); joint c = parent + G_c @ offset_c with
        G_c = G_parent @ R_c.
    """
    ang = angles.transpose(0, 2, 1)  # (V, T, 3)
    local = _rot('y', ang[..., 2]) @ _rot('z', ang[..., 1]) @ _rot('x', ang[..., 0])
    glob = np.empty_like(local)
    pos = np.empty(local.shape[:2] + (3,))
    glob[BASE] = _rot('y', root_yaw) @ local[BASE]
    pos[BASE] = root_pos
    for level in _LEVELS[1:]:
        parent = PARENTS[level]
        glob[level] = glob[parent] @ local[level]
        pos[level] = pos[parent] + np.einsum('jtab,jb->jta', glob[level], offsets[level])
    return pos.transpose(1, 0, 2)


# ------------------------------------------------------------------------ subjects
class _Body:
    """A subject's skeleton: bone offsets (V, 3) and the segment lengths the
    stance solver needs; plus personal speed / amplitude habits."""

    def __init__(self, offsets: np.ndarray, speed: float, amplitude: float):
        self.offsets = offsets
        self.speed = speed
        self.amplitude = amplitude
        self.thigh = float(np.linalg.norm(offsets[R_KNEE]))
        self.shank = float(np.linalg.norm(offsets[R_ANK]))
        self.hip_drop = float(-offsets[R_HIP, 1])
        self.ankle_height = float(-offsets[R_FOOT, 1])


def subject_body(subject: int, seed: int = 0) -> _Body:
    """The body of subject ``subject`` (deterministic in (seed, subject))."""
    rng = np.random.default_rng([seed, 7919, subject])
    offsets = _REST * rng.uniform(0.85, 1.1)  # overall height
    for group, sd in ((_TORSO, 0.04), (_ARMS, 0.04), (_LEGS, 0.04)):
        offsets[list(group)] *= rng.normal(1.0, sd)
    offsets[[L_SHO, R_SHO], 0] *= rng.normal(1.0, 0.06)  # shoulder width
    offsets[[L_HIP, R_HIP], 0] *= rng.normal(1.0, 0.06)  # hip width
    return _Body(offsets, speed=rng.uniform(0.85, 1.2), amplitude=rng.uniform(0.9, 1.1))
