"""Procedural skeleton actions: the project's embedded default dataset.

A kinematic NTU-25 body (Kinect v2 joint order, metres, realistic bone lengths)
is driven by per-action joint-angle curves and seen by a virtual Kinect camera
(x right, y up, z away from the camera). The output is an mmaction2
PoseDataset pickle, so everything downstream treats it like converted NTU data.

Why it is not trivial: several classes share postures and differ only in
dynamics (squat / sit down / bow; wave / punch / clap; raise arms / arm circles),
and every clip varies in subject proportions, speed, amplitude, phase, camera
yaw/pitch/position, sensor noise, dropped joints (Kinect losing track) and an
optional second, idle person. Raw coordinates therefore do not separate the
classes by a simple rule, while learned dynamics do.

Shapes: every clip's ``keypoint`` is float32 ``(M, T, 25, 3)`` with M in {1, 2}
and T in [40, 120].
"""
import os
import pickle
import tempfile
from typing import Dict, List, Optional, Tuple

import numpy as np

ACTION_CLASSES = (
    'wave right hand', 'punch', 'kick', 'squat', 'jump', 'clap',
    'walk in place', 'bow', 'arm circles', 'sit down', 'raise both arms',
    'side step')

NUM_JOINTS = 25

# Bone lengths (m) of a 1.75 m adult, scaled per subject.
_LENGTHS = dict(spine_low=0.25, spine_high=0.24, neck=0.08, head=0.15, shoulder=0.19,
                upper_arm=0.29, forearm=0.26, hand=0.08, tip=0.07, thumb=0.05,
                hip=0.10, thigh=0.43, shin=0.42, foot=0.14)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-8)


def _limb_dirs(flex, abd, bend, side: float, arm: bool):
    """Directions of a limb's two segments in the body frame.

    Body frame: x = subject's left, y = up, z = forward. ``flex`` raises the
    limb forward, ``abd`` sideways (towards ``side`` = +1 left, -1 right),
    ``bend`` folds the second segment (elbows forward/up, knees backward).
    All angles are radians, arrays of shape (T,). Returns two (T, 3) arrays.
    """
    down = np.stack([side * np.sin(abd), -np.cos(abd), np.zeros_like(abd)], -1)
    # flexion: rotate about the x axis, bringing "down" towards forward (+z)
    c, s = np.cos(flex), np.sin(flex)
    d1 = _unit(np.stack([down[:, 0], c * down[:, 1] + s * down[:, 2],
                         -s * down[:, 1] + c * down[:, 2]], -1))
    fold_towards = np.array([0.0, 0.0, 1.0]) if arm else np.array([0.0, 0.0, -1.0])
    perp = fold_towards - (d1 @ fold_towards)[:, None] * d1
    fallback = np.array([0.0, 1.0, 0.0])
    tiny = np.linalg.norm(perp, axis=-1) < 1e-3
    perp[tiny] = fallback - (d1[tiny] @ fallback)[:, None] * d1[tiny]
    perp = _unit(perp)
    d2 = _unit(np.cos(bend)[:, None] * d1 + np.sin(bend)[:, None] * perp)
    return d1, d2


def _rot_x(a):
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1),
                     np.stack([z, s, c], -1)], -2)


def _rot_y(a):
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1),
                     np.stack([-s, z, c], -1)], -2)


def _pose(angles: Dict[str, np.ndarray], L: Dict[str, float]) -> np.ndarray:
    """Forward kinematics: joint angles (each (T,)) → joints (T, 25, 3), body frame."""
    T = len(angles['pitch'])
    R = _rot_x(angles['pitch']) @ _rot_y(angles.get('twist', np.zeros(T)))  # torso
    up = R @ np.array([0.0, 1.0, 0.0])
    lat = R @ np.array([1.0, 0.0, 0.0])
    j = np.zeros((T, NUM_JOINTS, 3))
    j[:, 0] = 0.0                                        # 1 spine base
    j[:, 1] = j[:, 0] + L['spine_low'] * up              # 2 spine mid
    j[:, 20] = j[:, 1] + L['spine_high'] * up            # 21 spine shoulder
    j[:, 2] = j[:, 20] + L['neck'] * up                  # 3 neck
    j[:, 3] = j[:, 2] + L['head'] * up                   # 4 head
    for side, sh, el, wr, ha, tip, th, key in ((1, 4, 5, 6, 7, 21, 22, 'l'),
                                               (-1, 8, 9, 10, 11, 23, 24, 'r')):
        j[:, sh] = j[:, 20] + side * L['shoulder'] * lat - 0.03 * up
        d1, d2 = _limb_dirs(angles[f'{key}_arm_flex'], angles[f'{key}_arm_abd'],
                            angles[f'{key}_elbow'], side, arm=True)
        d1, d2 = np.einsum('tij,tj->ti', R, d1), np.einsum('tij,tj->ti', R, d2)
        j[:, el] = j[:, sh] + L['upper_arm'] * d1
        j[:, wr] = j[:, el] + L['forearm'] * d2
        j[:, ha] = j[:, wr] + L['hand'] * d2
        j[:, tip] = j[:, ha] + L['tip'] * d2
        j[:, th] = j[:, wr] + L['thumb'] * _unit(d2 - side * 0.8 * lat + 0.3 * up)
    fwd = np.array([0.0, 0.0, 1.0])
    for side, hip, knee, ankle, foot, key in ((1, 12, 13, 14, 15, 'l'), (-1, 16, 17, 18, 19, 'r')):
        j[:, hip] = j[:, 0] + side * L['hip'] * np.array([1.0, 0, 0]) - 0.04 * np.array([0, 1.0, 0])
        d1, d2 = _limb_dirs(angles[f'{key}_hip_flex'], angles[f'{key}_hip_abd'],
                            angles[f'{key}_knee'], side, arm=False)
        j[:, knee] = j[:, hip] + L['thigh'] * d1
        j[:, ankle] = j[:, knee] + L['shin'] * d2
        j[:, foot] = j[:, ankle] + L['foot'] * _unit(fwd - 0.3 * d2)
    return j


def _neutral(T: int) -> Dict[str, np.ndarray]:
    z = np.zeros(T)
    a = dict(pitch=z.copy(), twist=z.copy(), lift=z.copy(), shift=z.copy())
    for k in ('l', 'r'):
        a.update({f'{k}_arm_flex': z + 0.05, f'{k}_arm_abd': z + 0.12, f'{k}_elbow': z + 0.15,
                  f'{k}_hip_flex': z.copy(), f'{k}_hip_abd': z + 0.03, f'{k}_knee': z.copy()})
    return a


def _action_angles(label: int, T: int, rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """Joint-angle curves (radians, (T,) each) of one clip of class ``label``."""
    a = _neutral(T)
    amp = rng.uniform(0.8, 1.2)
    cycles = rng.uniform(1.5, 3.5)
    ph = np.linspace(0, 1, T)
    osc = np.sin(2 * np.pi * cycles * ph + rng.uniform(0, 2 * np.pi))
    ramp = np.clip(ph * rng.uniform(1.8, 2.6), 0, 1)  # one-off movement that then holds
    bump = np.sin(np.pi * ph) ** 2                    # out and back once
    d = np.deg2rad
    name = ACTION_CLASSES[label]
    if name == 'wave right hand':
        a['r_arm_abd'] = d(140) * amp + 0 * ph
        a['r_elbow'] = d(45) + d(30) * amp * np.sin(2 * np.pi * 2 * cycles * ph)
    elif name == 'punch':
        left = (np.floor(2 * cycles * ph) % 2).astype(bool)
        strike = np.abs(np.sin(np.pi * 2 * cycles * ph)) ** 0.5
        for k, mask in (('l', left), ('r', ~left)):
            a[f'{k}_arm_flex'] = d(60) + d(30) * mask * strike * amp
            a[f'{k}_elbow'] = d(130) - d(125) * mask * strike
    elif name == 'kick':
        kick = np.abs(np.sin(np.pi * cycles * ph / 2)) ** 2
        a['r_hip_flex'] = d(75) * amp * kick
        a['r_knee'] = d(70) * (1 - kick) * (kick > 0.05)
        a['r_arm_abd'] = a['l_arm_abd'] = d(25) + 0 * ph
    elif name == 'squat':
        depth = (0.5 - 0.5 * np.cos(2 * np.pi * cycles * ph / 1.5)) * amp
        for k in 'lr':
            a[f'{k}_hip_flex'] = d(95) * depth
            a[f'{k}_knee'] = d(115) * depth
            a[f'{k}_arm_flex'] = d(80) * depth
        a['pitch'] = d(25) * depth
    elif name == 'jump':
        cyc = (cycles * ph) % 1
        air = np.clip(np.sin(np.pi * (cyc - 0.3) / 0.5), 0, None) * (cyc > 0.3) * (cyc < 0.8)
        crouch = np.clip(np.sin(np.pi * cyc / 0.3), 0, None) * (cyc < 0.3)
        a['lift'] = 0.30 * amp * air
        for k in 'lr':
            a[f'{k}_hip_flex'] = d(40) * crouch + d(10) * air
            a[f'{k}_knee'] = d(60) * crouch + d(20) * air
            a[f'{k}_arm_flex'] = d(30) * crouch + d(120) * air
        a['pitch'] = d(15) * crouch
    elif name == 'clap':
        close = 0.5 + 0.5 * np.sin(2 * np.pi * 2 * cycles * ph)
        for k in 'lr':
            a[f'{k}_arm_flex'] = d(70) + 0 * ph
            a[f'{k}_arm_abd'] = d(45) * amp * close - d(12)
            a[f'{k}_elbow'] = d(40) + d(20) * (1 - close)
    elif name == 'walk in place':
        s = np.sin(2 * np.pi * cycles * ph)
        a['l_hip_flex'], a['r_hip_flex'] = d(45) * amp * np.clip(s, 0, None), d(45) * amp * np.clip(-s, 0, None)
        a['l_knee'], a['r_knee'] = d(70) * amp * np.clip(s, 0, None), d(70) * amp * np.clip(-s, 0, None)
        a['l_arm_flex'], a['r_arm_flex'] = d(30) * -s * amp, d(30) * s * amp
    elif name == 'bow':
        a['pitch'] = d(55) * amp * bump
        for k in 'lr':
            a[f'{k}_arm_flex'] = d(40) * bump
    elif name == 'arm circles':
        c, s = np.cos(2 * np.pi * 2 * cycles * ph), np.sin(2 * np.pi * 2 * cycles * ph)
        for k in 'lr':
            a[f'{k}_arm_abd'] = d(90) + d(25) * amp * c
            a[f'{k}_arm_flex'] = d(25) * amp * s
            a[f'{k}_elbow'] = d(5) + 0 * ph
    elif name == 'sit down':
        for k in 'lr':
            a[f'{k}_hip_flex'] = d(90) * amp * ramp
            a[f'{k}_knee'] = d(90) * amp * ramp
        a['pitch'] = d(20) * np.sin(np.pi * ramp)
    elif name == 'raise both arms':
        for k in 'lr':
            a[f'{k}_arm_abd'] = d(165) * amp * bump + d(10)
            a[f'{k}_elbow'] = d(10) + 0 * ph
    elif name == 'side step':
        s = np.sin(2 * np.pi * cycles * ph / 2)
        a['shift'] = 0.25 * amp * s
        step = np.abs(np.cos(2 * np.pi * cycles * ph / 2))
        a['l_hip_abd'] = d(25) * step * amp
        a['r_hip_abd'] = d(25) * (1 - step) * amp
    else:  # pragma: no cover - guarded by ACTION_CLASSES
        raise ValueError(f'unknown action {label}')
    return a


def _place(body: np.ndarray, angles, yaw: float, pitch: float, pos: np.ndarray) -> np.ndarray:
    """Ground the body, turn it to face the camera, apply camera pose. (T,25,3)."""
    body = body.copy()
    feet = body[:, [14, 15, 18, 19], 1].min(axis=1)
    body[..., 1] -= feet[:, None]                       # feet on the floor (y = 0) ...
    body[..., 1] += angles['lift'][:, None]             # ... unless jumping
    body[..., 0] += angles['shift'][:, None]
    # body faces the camera: its forward (+z) is the camera's -z, then yaw/pitch
    rot = _rot_x(np.array(pitch)) @ _rot_y(np.array(np.pi + yaw))
    return body @ rot.T + pos


def _subject_lengths(subject: int, seed: int) -> Dict[str, float]:
    rng = np.random.default_rng([seed, subject, 7])
    scale = rng.uniform(1.55, 1.95) / 1.75
    return {k: v * scale * rng.uniform(0.94, 1.06) for k, v in _LENGTHS.items()}


def generate_clip(label: int, subject: int, rng: np.random.Generator, seed: int = 0,
                  second_person_prob: float = 0.3, drop_prob: float = 0.25,
                  noise_std: float = 0.008) -> np.ndarray:
    """One clip of class ``label`` by ``subject``: float32 (M, T, 25, 3)."""
    T = int(rng.integers(40, 121))
    L = _subject_lengths(subject, seed)
    angles = _action_angles(label, T, rng)
    body = _pose(angles, L)
    yaw, pitch = rng.uniform(-np.pi / 4, np.pi / 4), rng.uniform(-0.15, 0.15)
    pos = np.array([rng.uniform(-0.5, 0.5), rng.uniform(-1.1, -0.8), rng.uniform(2.5, 3.5)])
    people = [_place(body, angles, yaw, pitch, pos)]
    if rng.random() < second_person_prob:  # an idle bystander swaying beside the actor
        idle = _neutral(T)
        idle['twist'] = 0.1 * np.sin(np.linspace(0, 2 * np.pi * rng.uniform(0.3, 1), T))
        other = _pose(idle, _subject_lengths(subject + 1000, seed))
        offset = pos + np.array([rng.choice([-1, 1]) * rng.uniform(0.8, 1.4), 0, rng.uniform(-0.3, 0.5)])
        people.append(_place(other, idle, rng.uniform(-np.pi / 4, np.pi / 4), pitch, offset))
    kp = np.stack(people).astype(np.float64)
    kp += rng.normal(0, noise_std, kp.shape)
    if rng.random() < drop_prob:  # Kinect loses a few joints for a few frames
        for _ in range(int(rng.integers(1, 4))):
            v = int(rng.integers(0, NUM_JOINTS))
            start = int(rng.integers(0, T - 5))
            kp[0, start:start + int(rng.integers(3, 12)), v] = 0.0
    return kp.astype(np.float32)


def generate_dataset(num_subjects: int = 10, clips_per_class_per_subject: int = 5,
                     num_classes: int = len(ACTION_CLASSES), seed: int = 0,
                     train_subjects: Optional[List[int]] = None) -> dict:
    """Generate a PoseDataset-format dict with a cross-subject split.

    Subjects are numbered 1..num_subjects; odd ones train (``xsub_train``),
    even ones test (``xsub_val``) unless ``train_subjects`` is given.
    """
    if not 1 <= num_classes <= len(ACTION_CLASSES):
        raise ValueError(f'num_classes must be in [1, {len(ACTION_CLASSES)}], got {num_classes}')
    if num_subjects < 2:
        raise ValueError('num_subjects must be >= 2 to form a cross-subject split')
    train = set(train_subjects) if train_subjects else {s for s in range(1, num_subjects + 1) if s % 2}
    rng = np.random.default_rng(seed)
    annotations, split = [], dict(xsub_train=[], xsub_val=[])
    for subject in range(1, num_subjects + 1):
        for label in range(num_classes):
            for rep in range(1, clips_per_class_per_subject + 1):
                kp = generate_clip(label, subject, rng, seed=seed)
                name = f'S001C001P{subject:03d}R{rep:03d}A{label + 1:03d}'
                annotations.append(dict(
                    frame_dir=name, label=label, total_frames=kp.shape[1],
                    img_shape=(1080, 1920), original_shape=(1080, 1920),
                    keypoint=kp, subject=subject))
                split['xsub_train' if subject in train else 'xsub_val'].append(name)
    return dict(split=split, annotations=annotations)


def write_dataset(path: str, **kwargs) -> Tuple[int, int]:
    """Generate and write the pickle atomically. Returns (#train, #val)."""
    data = generate_dataset(**kwargs)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return len(data['split']['xsub_train']), len(data['split']['xsub_val'])
