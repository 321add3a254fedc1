"""The procedural default dataset: format, determinism, variation, physical sanity."""
import importlib.util
import os
import re
from pathlib import Path

import numpy as np
import pytest

from cmd_mmaction.datasets.synthetic import body as syn  # joint indices, rest offsets
from cmd_mmaction.datasets.synthetic import motions
from cmd_mmaction.utils.safe_pickle import safe_load
from cmd_mmaction.datasets.synthetic import (ACTION_CLASSES, BONES, forward_kinematics,
                                             generate_clip, generate_dataset, write_dataset)

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r'^S\d{3}C00[123]P(\d{3})R(\d{3})A(\d{3})$')
HANDS = {syn.L_TIP, syn.L_THUMB, syn.R_TIP, syn.R_THUMB}


@pytest.fixture(scope='module')
def data():
    return generate_dataset(num_subjects=4, clips_per_class_per_subject=3, seed=3)


def _main_body(ann):
    return ann['keypoint'][0]


def test_format_is_mmaction_posedataset(data):
    anns = data['annotations']
    assert len(ACTION_CLASSES) >= 12
    assert len(anns) == 4 * len(ACTION_CLASSES) * 3
    for ann in anns:
        kp = ann['keypoint']
        assert kp.dtype == np.float32 and kp.ndim == 4 and kp.shape[2:] == (25, 3)
        assert kp.shape[0] in (1, 2) and 40 <= kp.shape[1] <= 120
        assert ann['total_frames'] == kp.shape[1]
        assert ann['img_shape'] == ann['original_shape'] == (1080, 1920)
        assert isinstance(ann['label'], int) and 0 <= ann['label'] < len(ACTION_CLASSES)
        assert np.isfinite(kp).all()
        subject, rep, action = map(int, NAME.match(ann['frame_dir']).groups())
        assert (subject, action) == (ann['subject'], ann['label'] + 1) and 1 <= rep <= 3
    names = [a['frame_dir'] for a in anns]
    assert len(set(names)) == len(names)


def test_camera_space_is_kinect_like(data):
    """Metres, y up, subject 2.5-3.5 m away (+ body size), head above the feet."""
    for ann in data['annotations']:
        kp = _main_body(ann)
        ok = (kp != 0).any(-1)
        base = kp[ok[:, syn.BASE], syn.BASE]
        assert 2.2 < np.median(base[:, 2]) < 3.9
        both = ok[:, syn.HEAD] & ok[:, syn.L_FOOT]
        height = kp[both, syn.HEAD, 1] - kp[both, syn.L_FOOT, 1]
        assert np.median(height) > 0.5  # sitting and squatting included


def test_splits_are_disjoint_by_subject_and_complete(data):
    subject = {a['frame_dir']: a['subject'] for a in data['annotations']}
    label = {a['frame_dir']: a['label'] for a in data['annotations']}
    train, val = data['split']['xsub_train'], data['split']['xsub_val']
    assert {subject[n] for n in train} == {1, 3} and {subject[n] for n in val} == {2, 4}
    assert set(train).isdisjoint(val) and set(train) | set(val) == set(subject)
    for names in (train, val):
        assert {label[n] for n in names} == set(range(len(ACTION_CLASSES)))
    # NTU-like cross-view split: camera 1 is held out
    xtrain, xval = data['split']['xview_train'], data['split']['xview_val']
    assert set(xtrain).isdisjoint(xval) and set(xtrain) | set(xval) == set(subject)
    assert all(n[4:8] == 'C001' for n in xval) and all(n[4:8] != 'C001' for n in xtrain)


def test_deterministic_for_a_seed_and_different_across_seeds():
    a = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=5)
    b = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=5)
    c = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=6)
    assert a['split'] == b['split']
    for x, y in zip(a['annotations'], b['annotations']):
        assert x['frame_dir'] == y['frame_dir'] and np.array_equal(x['keypoint'], y['keypoint'])
    assert not any(np.array_equal(x['keypoint'], y['keypoint'])
                   for x, y in zip(a['annotations'], c['annotations']) if
                   x['keypoint'].shape == y['keypoint'].shape)
    # a clip does not depend on the size of the dataset around it
    clip = generate_clip(subject=2, label=7, rep=1, seed=5)
    same = [x for x in a['annotations'] if x['subject'] == 2 and x['label'] == 7][0]
    assert np.array_equal(clip['keypoint'], same['keypoint'])


def test_forward_kinematics_by_hand():
    """Rest pose, a 90-degree shoulder flexion and a body yaw, checked by hand."""
    offsets = syn._REST
    T = 2
    angles = np.zeros((25, 3, T))
    angles[syn.R_ELB, 0, 1] = np.pi / 2  # right shoulder flexion in frame 1
    root = np.tile([0.0, 1.0, 0.0], (T, 1))
    pos = forward_kinematics(offsets, angles, root, np.zeros(T))
    sho = root[0] + offsets[syn.MID] + offsets[syn.SPINE_SH] + offsets[syn.R_SHO]
    np.testing.assert_allclose(pos[0, syn.R_SHO], sho)
    np.testing.assert_allclose(pos[0, syn.R_ELB], sho + [0, -0.28, 0])  # arm hangs
    np.testing.assert_allclose(pos[1, syn.R_ELB], sho + [0, 0, -0.28], atol=1e-12)  # forward
    assert pos[0, syn.R_SHO, 0] > 0 > pos[0, syn.L_SHO, 0]  # right side at +x
    # body yaw of +90 degrees about y maps the body's +x (right) to -z
    yawed = forward_kinematics(offsets, angles, root, np.full(T, np.pi / 2))
    rel = yawed[0, syn.R_SHO] - yawed[0, syn.BASE]
    np.testing.assert_allclose(rel, [0, 0.43, -0.17], atol=1e-12)


def test_forward_kinematics_keeps_bones_rigid():
    rng = np.random.default_rng(0)
    angles = rng.uniform(-np.pi, np.pi, (25, 3, 7))
    pos = forward_kinematics(syn._REST, angles, rng.normal(size=(7, 3)), rng.uniform(-3, 3, 7))
    for child, parent in BONES:
        length = np.linalg.norm(pos[:, child] - pos[:, parent], axis=-1)
        np.testing.assert_allclose(length, np.linalg.norm(syn._REST[child]), atol=1e-12)


def test_bone_lengths_are_constant_up_to_noise(data):
    for ann in data['annotations'][::3]:
        kp = _main_body(ann).astype(np.float64)
        tracked = (kp != 0).any(-1)
        stds = []
        for child, parent in BONES:
            ok = tracked[:, child] & tracked[:, parent]
            length = np.linalg.norm(kp[ok, child] - kp[ok, parent], axis=-1)
            assert 0.03 < np.median(length) < 0.6, (ann['frame_dir'], child, parent)
            # joint noise is at most 12 mm per axis (x2.5 on hand tips / thumbs), so
            # a length moves by about sqrt(2) * 12 mm = 17 mm at most
            assert length.std() < (0.05 if child in HANDS else 0.025)
            stds.append(length.std())
        assert np.median(stds) < 0.018


def test_feet_stay_on_the_floor():
    """World coordinates before the camera: the lower foot touches y = 0 (no
    floating, no sinking) except in the flight phase of a jump."""
    body = syn.subject_body(1, 0)
    for label, action in enumerate(motions._ACTIONS):
        rng = np.random.default_rng([0, label])
        pos = motions._simulate(body, action, 90, rng, 1.0, motions._FREE_ARMS[label])
        lowest = pos[:, [syn.L_FOOT, syn.R_FOOT], 1].min(-1)
        assert np.abs(lowest).min() < 0.03, ACTION_CLASSES[label]
        if ACTION_CLASSES[label] != 'jump':
            assert np.abs(lowest).max() < 0.08, (ACTION_CLASSES[label], np.abs(lowest).max())


def test_variation_sources_are_present(data):
    anns = data['annotations']
    two = [a for a in anns if a['keypoint'].shape[0] == 2]
    assert 0.1 < len(two) / len(anns) < 0.5  # a second person in some clips
    for a in two:  # the actor stays first: at least as many tracked frames
        tracked = (a['keypoint'] != 0).any(-1).any(-1).sum(-1)
        assert tracked[0] >= tracked[1]
    dropped = [a for a in anns if (a['keypoint'][0] == 0).all(-1).any()]
    assert 0.05 < len(dropped) / len(anns) < 0.5  # Kinect loses joints now and then
    # camera yaw: the shoulder line's direction in the x-z plane varies across clips
    yaws = []
    for a in anns:
        left, right = a['keypoint'][0, 0, syn.L_SHO], a['keypoint'][0, 0, syn.R_SHO]
        yaws.append(np.arctan2(right[2] - left[2], right[0] - left[0]))
    assert np.std(yaws) > 0.4 and np.ptp(yaws) > 1.2
    lengths = [a['total_frames'] for a in anns]
    assert np.ptp(lengths) > 30
    heights = []  # subject proportions differ
    for subject in range(1, 5):
        offsets = syn.subject_body(subject, 3).offsets
        heights.append(np.linalg.norm(offsets[syn.R_KNEE]) + np.linalg.norm(offsets[syn.MID]))
    assert np.ptp(heights) > 0.02


def _centred_trajectory(ann, frames=32):
    kp = _main_body(ann).astype(np.float64)
    kp = kp - kp[:, syn.MID:syn.MID + 1]
    idx = np.linspace(0, len(kp) - 1, frames).round().astype(int)
    return kp[idx].ravel()


def test_classes_are_not_trivially_identical(data):
    """Class-mean (spine-centred, time-resampled) trajectories all differ, by
    more than a quarter of the mean distance of a clip to its own class mean."""
    feats = {}
    for ann in data['annotations']:
        feats.setdefault(ann['label'], []).append(_centred_trajectory(ann))
    means = np.stack([np.mean(feats[c], 0) for c in sorted(feats)])
    spread = np.mean([np.linalg.norm(f - means[c], axis=1).mean() for c, f in feats.items()])
    dists = np.linalg.norm(means[:, None] - means[None], axis=-1)
    assert dists[~np.eye(len(means), dtype=bool)].min() > spread / 4


def test_write_is_atomic_and_loads_safely(tmp_path):
    out = tmp_path / 'd' / 'syn.pkl'
    data = write_dataset(str(out), num_subjects=2, clips_per_class_per_subject=1)
    loaded = safe_load(out)  # only numpy/builtins inside
    assert len(loaded['split']['xsub_train']) == len(loaded['split']['xsub_val']) == 12
    assert [a['frame_dir'] for a in loaded['annotations']] == \
        [a['frame_dir'] for a in data['annotations']]
    assert [p.name for p in out.parent.iterdir()] == ['syn.pkl']  # no temp file left
    assert os.stat(out).st_mode & 0o044  # readable like any other file, not mkstemp's 0600


def test_cli_writes_and_summarises(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        'generate_synthetic', ROOT / 'tools/data/generate_synthetic.py')
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    out = tmp_path / 'cli.pkl'
    cli.main(['--out', str(out), '--num-subjects', '2', '--clips-per-class', '1',
              '--num-classes', '4', '--seed', '2'])
    text = capsys.readouterr().out
    assert 'xsub_train 4' in text and 'xsub_val 4' in text and '3:squat' in text
    assert len(safe_load(out)['annotations']) == 8


def test_bad_arguments():
    with pytest.raises(ValueError, match='num_classes'):
        generate_dataset(num_classes=99)
    with pytest.raises(ValueError, match='num_subjects'):
        generate_dataset(num_subjects=1)
    with pytest.raises(ValueError, match='clips_per_class'):
        generate_dataset(clips_per_class_per_subject=0)
