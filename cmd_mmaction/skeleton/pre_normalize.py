"""The two papers' own pre-normalisations, on one sample ``(M, T, V, 3)``, pure numpy.

One implementation serves the converters' ``--normalize`` and the pipeline
transforms ``CMDPreNormalize`` / ``IKEMPreNormalize``; the joints come from the
skeleton layout (:class:`~cmd_mmaction.skeleton.layouts.NormJoints`).
``docs/preprocessing.md`` describes both procedures and how they differ from
mmaction2's ``PreNormalize3D``.

A joint is "empty" when all its coordinates are 0; a frame of a body is empty
when all its joints are.

**CMD** (:func:`cmd_pre_normalize`, the 2s-AGCN ``pre_normalization`` that CMD's
data preparation runs):

1. pad: a body whose first frame is empty has its non-empty frames moved to the
   front; the empty tail after its last non-empty frame is filled by tiling the
   frames before it (up to ``pad_to`` frames when given, else up to T);
2. centre: subtract, per frame, the ``spine`` joint of body 0 from every
   non-empty joint (empty joints stay 0);
3. rotate the sample so that body 0's frame-0 vector ``hip -> spine`` is +z;
4. rotate so that body 0's frame-0 vector ``right_shoulder - left_shoulder`` is
   +x.

Rotations are axis-angle about ``v x target`` and leave empty joints at 0; as in
the original the second rotation may tilt the first alignment when the two
vectors are not perpendicular. Unlike the original, an anti-parallel vector is
turned by pi (the original leaves it unrotated because the cross product
vanishes).

**IKEM** (:func:`ikem_pre_normalize`, the CrosSCLR/AimCLR data preparation IKEM
uses):

1. ``length`` = the number of frames in which body 0's ``hip`` joint is not
   empty (a count, as the original; when it is 0 the non-empty frames of the
   sample are counted instead, where the original would fail);
2. centre each body, in every frame, on its own ``neck`` joint (no mask: a
   present body's empty joints become ``-neck``, as in the original);
3. resize the first ``length`` frames of each body to ``clip_len`` frames
   (linear, half-pixel centres: OpenCV ``INTER_LINEAR``);
4. per body and per frame, rotate about the y axis by the angle between the
   horizontal part (y set to 0) of ``right_shoulder - left_shoulder`` and +x,
   ``theta = arccos(v_x / (|v| + 1e-4))``; the sign of every angle of that body
   is flipped when the sum over frames of ``v_z`` is >= 0. So frames whose
   shoulder line points the other way in z than the majority are turned away
   from +x (the original's rule, reproduced).
"""
from typing import Callable, Dict, Optional, Sequence

import numpy as np

from .layouts import get_layout
from .temporal import resize_time

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


def _frames_present(body: np.ndarray) -> np.ndarray:
    """``(T,)`` bool: the frames of ``body (T, V, C)`` with a non-empty joint."""
    return (body != 0).any(axis=(1, 2))


def _pad_body(body: np.ndarray, length: int) -> np.ndarray:
    """CMD step 1 for one body ``(T, V, C)`` -> ``(length, V, C)``."""
    out = np.zeros((length,) + body.shape[1:], dtype=body.dtype)
    present = _frames_present(body)
    if not present.any():
        return out
    if present[0]:
        out[:body.shape[0]] = body
    else:  # the original moves the non-empty frames to the front
        moved = body[present]
        out[:len(moved)] = moved
    tail = int(np.flatnonzero(_frames_present(out))[-1]) + 1  # first frame of the empty tail
    if tail < length:
        reps = int(np.ceil((length - tail) / tail))
        out[tail:] = np.concatenate([out[:tail]] * reps, axis=0)[:length - tail]
    return out


def pre_normalize(keypoint: np.ndarray, center_joint: int = 1,
                  z_joints: Sequence[int] = (0, 1), x_joints: Sequence[int] = (8, 4),
                  pad_to: Optional[int] = None) -> np.ndarray:
    """The 2s-AGCN pre-normalisation (CMD procedure) with explicit joints.

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


def cmd_pre_normalize(keypoint: np.ndarray, layout='nturgb+d',
                      pad_to: Optional[int] = None) -> np.ndarray:
    """CMD's pre-normalisation with the joints of ``layout`` (see the module docstring)."""
    joints = get_layout(layout).norm_joints()
    return pre_normalize(keypoint, center_joint=joints.spine,
                         z_joints=(joints.hip, joints.spine),
                         x_joints=(joints.right_shoulder, joints.left_shoulder), pad_to=pad_to)


def y_rotation_angles(body: np.ndarray, right: int, left: int) -> np.ndarray:
    """IKEM step 4: the per-frame angles (radians) of one body ``(T, V, 3)``."""
    vec = body[:, right] - body[:, left]  # (T, 3)
    vec[:, 1] = 0
    cos = vec[:, 0] / (np.sqrt((vec ** 2).sum(axis=1)) + 1e-4)
    theta = np.arccos(np.clip(cos, -1.0, 1.0))
    return -theta if vec[:, 2].sum() >= 0 else theta


def ikem_pre_normalize(keypoint: np.ndarray, layout='nturgb+d', clip_len: int = 50
                       ) -> np.ndarray:
    """IKEM's pre-normalisation with the joints of ``layout`` (see the module docstring).

    Returns:
        float32 ``(M, clip_len, V, 3)``.
    """
    joints = get_layout(layout).norm_joints()
    data = np.asarray(keypoint, dtype=np.float64)
    if data.ndim != 4 or data.shape[-1] != 3:
        raise ValueError(f'keypoint must be (M, T, V, 3), got {data.shape}')
    length = int((np.abs(data[0, :, joints.hip]).sum(axis=-1) != 0).sum())
    if length == 0:  # body 0 never shows its hip: count the sample's non-empty frames
        length = int((data != 0).any(axis=(0, 2, 3)).sum()) or data.shape[1]
    data = data - data[:, :, joints.neck:joints.neck + 1]
    data = resize_time(data[:, :length], clip_len)
    for m, body in enumerate(data):
        theta = y_rotation_angles(body, joints.right_shoulder, joints.left_shoulder)
        cos, sin = np.cos(theta), np.sin(theta)
        # R = [[cos, 0, -sin], [0, 1, 0], [sin, 0, cos]] per frame, applied to every joint
        x, z = body[..., 0].copy(), body[..., 2].copy()
        body[..., 0] = cos[:, None] * x - sin[:, None] * z
        body[..., 2] = sin[:, None] * x + cos[:, None] * z
    return data.astype(np.float32)


#: name -> procedure ``(keypoint, layout) -> keypoint``
PROCEDURES: Dict[str, Callable] = dict(cmd=cmd_pre_normalize, ikem=ikem_pre_normalize)


def normalization_record(method: str, layout) -> dict:
    """The ``pre_normalized`` field of data that went through ``method`` with ``layout``
    (top-level in a PoseDataset pickle, per sample in a pipeline)."""
    if method not in PROCEDURES:
        raise ValueError(f'unknown pre-normalisation {method!r}; known: {sorted(PROCEDURES)}')
    return dict(method=method, layout=get_layout(layout).name)
