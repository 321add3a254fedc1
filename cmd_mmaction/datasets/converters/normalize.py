"""2s-AGCN ``pre_normalization`` (METHODS.md §1.3) on one sample, pure numpy.

Input / output: keypoint ``(M, T, V, C=3)``; a joint is "empty" when all its coordinates
are 0, a frame of a body is empty when all its joints are. Steps:

1. pad: a body whose first frame is empty has its non-empty frames moved to the front;
   the empty tail after its last valid prefix frame is filled by tiling that prefix
   (up to ``pad_to`` frames when given, else up to T).
2. centre: subtract, per frame, joint ``center_joint`` of body 0 from every non-empty joint.
3. rotate so that body 0, frame 0 ``z_joints[0] -> z_joints[1]`` (hip -> spine) is +z.
4. rotate so that body 0, frame 0 ``x_joints[1] -> x_joints[0]`` (vector
   ``joint[x_joints[0]] - joint[x_joints[1]]``, i.e. NTU joint #9 minus joint #5, right
   minus left shoulder) is +x.

Rotations are axis-angle about ``v x target`` and touch only non-empty joints; as in the
original the second rotation may tilt the first alignment when the two vectors are not
perpendicular. Unlike the original, an anti-parallel vector is turned by pi (the original
leaves it unrotated because the cross product vanishes).
"""
from typing import Optional, Sequence

import numpy as np

_EPS = 1e-6


def rotation_matrix(axis: np.ndarray, theta: float) -> np.ndarray:
    """Right-handed rotation by ``theta`` radians about ``axis`` (Rodrigues); (3, 3)."""
    axis = np.asarray(axis, dtype=np.float64)
    norm = np.linalg.norm(axis)
    if norm < _EPS or abs(theta) < _EPS:
        return np.eye(3)
    k = axis / norm
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * kx + (1 - np.cos(theta)) * (kx @ kx)


def align_matrix(vector: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rotation taking the direction of ``vector`` onto ``target`` (identity if vector is 0)."""
    v = np.asarray(vector, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    if np.linalg.norm(v) < _EPS:
        return np.eye(3)
    v_unit = v / np.linalg.norm(v)
    t_unit = t / np.linalg.norm(t)
    cos = float(np.clip(v_unit @ t_unit, -1.0, 1.0))
    axis = np.cross(v_unit, t_unit)
    if np.linalg.norm(axis) < _EPS:
        if cos > 0:
            return np.eye(3)
        # anti-parallel: turn by pi about any axis perpendicular to the target
        helper = np.array([1.0, 0, 0]) if abs(t_unit[0]) < 0.9 else np.array([0, 1.0, 0])
        return rotation_matrix(np.cross(t_unit, helper), np.pi)
    return rotation_matrix(axis, np.arccos(cos))


def _pad_body(body: np.ndarray, length: int) -> np.ndarray:
    """Step 1 for one body ``(T, V, C)`` -> ``(length, V, C)``."""
    valid = (body != 0).any(axis=(1, 2))
    out = np.zeros((length,) + body.shape[1:], dtype=body.dtype)
    out[:body.shape[0]] = body
    if not valid.any():
        return out
    if not valid[0]:
        moved = body[valid]
        out[:] = 0
        out[:len(moved)] = moved
    frame_valid = (out != 0).any(axis=(1, 2))
    for t in range(1, length):
        if not frame_valid[t] and not frame_valid[t:].any():
            rest = length - t
            reps = int(np.ceil(rest / t))
            out[t:] = np.concatenate([out[:t]] * reps, axis=0)[:rest]
            break
    return out


def pre_normalize(keypoint: np.ndarray, center_joint: int = 1,
                  z_joints: Sequence[int] = (0, 1), x_joints: Sequence[int] = (8, 4),
                  pad_to: Optional[int] = None) -> np.ndarray:
    """Apply the 2s-AGCN pre-normalisation to one sample.

    Args:
        keypoint: ``(M, T, V, 3)`` array (not modified).
        center_joint: 0-based joint of body 0 used as per-frame origin (NTU spine-middle).
        z_joints: (bottom, top) 0-based joints of body 0, frame 0 aligned to +z.
        x_joints: (a, b) 0-based joints; ``joint[a] - joint[b]`` of body 0, frame 0 -> +x.
        pad_to: output length; None keeps T (must be >= T).

    Returns:
        float32 ``(M, pad_to or T, V, 3)``.
    """
    data = np.asarray(keypoint, dtype=np.float64)
    if data.ndim != 4 or data.shape[-1] != 3:
        raise ValueError(f'keypoint must be (M, T, V, 3), got {data.shape}')
    num_frames = data.shape[1]
    length = num_frames if pad_to is None else int(pad_to)
    if length < num_frames:
        raise ValueError(f'pad_to={pad_to} is shorter than the sample ({num_frames} frames)')
    if data.shape[0] == 0 or not (data != 0).any():
        return np.zeros((data.shape[0], length) + data.shape[2:], dtype=np.float32)

    data = np.stack([_pad_body(body, length) for body in data])

    mask = (data != 0).any(axis=-1, keepdims=True)  # (M, T, V, 1) non-empty joints
    center = data[0, :, center_joint:center_joint + 1, :]  # (T, 1, 3)
    data = (data - center[None]) * mask

    rot_z = align_matrix(data[0, 0, z_joints[1]] - data[0, 0, z_joints[0]], [0, 0, 1])
    data = (data @ rot_z.T) * mask
    rot_x = align_matrix(data[0, 0, x_joints[0]] - data[0, 0, x_joints[1]], [1, 0, 0])
    data = (data @ rot_x.T) * mask
    return data.astype(np.float32)
