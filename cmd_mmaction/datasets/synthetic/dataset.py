"""Clips and datasets: the camera and sensor model around simulated people, NTU-style
names and splits, and the PoseDataset pickle."""
from typing import Callable, Dict, Optional

import numpy as np

from ...utils.atomic_io import pickle_dump_atomic
from .body import (L_ANK, L_ELB, L_FOOT, L_HAND, L_KNEE, L_THUMB, L_TIP, L_WRI, NUM_JOINTS,
                   R_ANK, R_ELB, R_FOOT, R_HAND, R_KNEE, R_THUMB, R_TIP, R_WRI, _Body,
                   _rot, subject_body)
from .motions import (ACTION_CLASSES, _ACTIONS, _FREE_ARMS, _NOMINAL_FRAMES, _idle,
                      _simulate)

_TRACKING_GROUPS = (  # joint sets that Kinect loses together
    (L_ELB, L_WRI, L_HAND, L_TIP, L_THUMB), (R_ELB, R_WRI, R_HAND, R_TIP, R_THUMB),
    (L_KNEE, L_ANK, L_FOOT), (R_KNEE, R_ANK, R_FOOT), (L_TIP, L_THUMB, R_TIP, R_THUMB),
    (L_HAND, L_TIP, L_THUMB), (R_HAND, R_TIP, R_THUMB))
_CAMERA_YAW_DEG = {1: 0.0, 2: -45.0, 3: 45.0}



def clip_name(subject: int, label: int, rep: int, camera: int, setup: int = 1) -> str:
    """NTU-style sample name ``SsssCcccPpppRrrrAaaa`` (action 1-based)."""
    return f'S{setup:03d}C{camera:03d}P{subject:03d}R{rep:03d}A{label + 1:03d}'


def generate_clip(subject: int, label: int, rep: int, seed: int = 0,
                  body: Optional[_Body] = None) -> Dict:
    """One annotation (PoseDataset format) for (subject, label, repetition).

    Deterministic in (seed, subject, label, rep); independent of the rest of
    the dataset, so a larger dataset contains the clips of a smaller one.
    """
    if not 0 <= label < len(ACTION_CLASSES):
        raise ValueError(f'label must be in [0, {len(ACTION_CLASSES)}), got {label}')
    body = body or subject_body(subject, seed)
    rng = np.random.default_rng([seed, subject, label, rep])
    T = int(np.clip(round(_NOMINAL_FRAMES[label] / body.speed * rng.uniform(0.75, 1.3)),
                    40, 120))
    amp = body.amplitude * rng.uniform(0.7, 1.2)
    people = [_simulate(body, _ACTIONS[label], T, rng, amp, _FREE_ARMS[label])]

    if rng.random() < 0.3:  # an idle person beside the actor
        other = subject_body(int(rng.integers(1000, 2000)), seed)
        pos = _simulate(other, _idle, T, rng, 1.0)
        offset = (rng.choice([-1, 1]) * rng.uniform(0.9, 1.5), 0, rng.uniform(-0.3, 0.8))
        pos = _rot('y', np.array(rng.uniform(-0.6, 0.6))) @ pos[..., None]
        present = np.ones(T, bool)
        if rng.random() < 0.5:  # walks in late / leaves early
            span = int(rng.integers(T // 2, T + 1))
            start = int(rng.integers(0, T - span + 1))
            present[:] = False
            present[start:start + span] = True
        people.append((pos[..., 0] + offset) * present[:, None, None])

    # camera: yaw about the vertical, height, distance, tilt
    camera = int(rng.integers(1, 4))
    yaw = np.deg2rad(_CAMERA_YAW_DEG[camera] + rng.uniform(-20, 20))
    shift = np.array([rng.uniform(-0.5, 0.5), -rng.uniform(0.75, 1.25), rng.uniform(2.5, 3.5)])
    tilt = _rot('x', np.array(np.deg2rad(rng.uniform(-10, 10))))
    kp = np.stack(people)  # (M, T, V, 3)
    valid = np.any(kp != 0, axis=-1, keepdims=True)
    # p_camera = tilt @ (yaw @ p_world + shift)
    kp = (np.einsum('ab,mtvb->mtva', tilt @ _rot('y', np.array(yaw)), kp) + tilt @ shift) * valid

    sigma = np.full(NUM_JOINTS, rng.uniform(0.003, 0.012))
    sigma[[L_TIP, L_THUMB, R_TIP, R_THUMB]] *= 2.5
    kp = (kp + rng.normal(0, 1, kp.shape) * sigma[:, None]) * valid

    if rng.random() < 0.25 and T > 10:  # Kinect tracking loss
        for _ in range(int(rng.integers(1, 4))):
            t0 = int(rng.integers(2, T - 8))
            t1 = t0 + int(rng.integers(1, 7))
            if rng.random() < 0.2:
                kp[:, t0:t1] = 0  # the whole frame, for everybody
            else:
                group = list(_TRACKING_GROUPS[rng.integers(len(_TRACKING_GROUPS))])
                kp[0, t0:t1, group] = 0
    return dict(frame_dir=clip_name(subject, label, rep, camera), label=int(label),
                total_frames=T, img_shape=(1080, 1920), original_shape=(1080, 1920),
                keypoint=kp.astype(np.float32), subject=int(subject))


def generate_dataset(num_subjects: int = 10, clips_per_class_per_subject: int = 10,
                     num_classes: int = len(ACTION_CLASSES), seed: int = 0,
                     progress: Optional[Callable[[int, int], None]] = None) -> Dict:
    """Generate a synthetic NTU-25 skeleton dataset in PoseDataset format.

    Args:
        num_subjects (int): subjects 1..num_subjects (>= 2: odd ids train,
            even ids val).
        clips_per_class_per_subject (int): repetitions R001.. of each action.
        num_classes (int): use the first ``num_classes`` of :data:`ACTION_CLASSES`.
        seed (int): everything is a function of the seed.
        progress (callable, optional): called as ``progress(done, total)`` after
            each clip (a progress bar).

    Returns:
        dict: ``split`` = {xsub_train, xsub_val (odd / even subjects), xview_train,
        xview_val (cameras 2, 3 / camera 1, as in NTU)} lists of names;
        ``annotations`` = list of dicts with ``frame_dir`` (``S001C002P003R001A005``),
        ``label`` (0-based int), ``total_frames`` T, ``img_shape`` /
        ``original_shape`` (1080, 1920), ``keypoint`` float32 (M, T, 25, 3) with
        M in {1, 2} and 40 <= T <= 120, ``subject`` (int).
    """
    if num_subjects < 2:
        raise ValueError('num_subjects must be >= 2 for a cross-subject split, got '
                         f'{num_subjects}')
    if clips_per_class_per_subject < 1:
        raise ValueError('clips_per_class_per_subject must be >= 1, got '
                         f'{clips_per_class_per_subject}')
    if not 1 <= num_classes <= len(ACTION_CLASSES):
        raise ValueError(f'num_classes must be in [1, {len(ACTION_CLASSES)}], got {num_classes}')
    annotations = []
    total = num_subjects * num_classes * clips_per_class_per_subject
    for subject in range(1, num_subjects + 1):
        body = subject_body(subject, seed)
        for label in range(num_classes):
            for rep in range(1, clips_per_class_per_subject + 1):
                annotations.append(generate_clip(subject, label, rep, seed, body))
                if progress is not None:
                    progress(len(annotations), total)
    split = dict(
        xsub_train=[a['frame_dir'] for a in annotations if a['subject'] % 2 == 1],
        xsub_val=[a['frame_dir'] for a in annotations if a['subject'] % 2 == 0],
        xview_train=[a['frame_dir'] for a in annotations if a['frame_dir'][4:8] != 'C001'],
        xview_val=[a['frame_dir'] for a in annotations if a['frame_dir'][4:8] == 'C001'])
    return dict(split=split, annotations=annotations)


def write_dataset(path: str, **kwargs) -> Dict:
    """Generate (kwargs of :func:`generate_dataset`) and write the pickle atomically.
    Returns the data."""
    data = generate_dataset(**kwargs)
    pickle_dump_atomic(data, path)
    return data
