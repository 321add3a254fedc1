"""The procedural default dataset: format, determinism, variation, physical sanity."""
import pickle

import numpy as np
import pytest

from cmd_mmaction.datasets.synthetic import ACTION_CLASSES, generate_dataset, write_dataset

# NTU-25 (child, parent), 0-based, hand tips/thumbs excluded (their noise is relatively large)
BONES = [(0, 1), (1, 20), (2, 20), (3, 2), (4, 20), (5, 4), (6, 5), (8, 20), (9, 8), (10, 9),
         (12, 0), (13, 12), (14, 13), (16, 0), (17, 16), (18, 17)]


@pytest.fixture(scope='module')
def data():
    return generate_dataset(num_subjects=4, clips_per_class_per_subject=2, seed=3)


def test_format_is_mmaction_posedataset(data):
    anns = data['annotations']
    assert len(anns) == 4 * 12 * 2
    for ann in anns:
        kp = ann['keypoint']
        assert kp.dtype == np.float32 and kp.ndim == 4 and kp.shape[2:] == (25, 3)
        assert kp.shape[0] in (1, 2) and 40 <= kp.shape[1] <= 120
        assert ann['total_frames'] == kp.shape[1]
        assert 0 <= ann['label'] < len(ACTION_CLASSES)
        assert np.isfinite(kp).all()
    names = [a['frame_dir'] for a in anns]
    assert len(set(names)) == len(names)


def test_cross_subject_split(data):
    subj = {a['frame_dir']: a['subject'] for a in data['annotations']}
    train = {subj[n] for n in data['split']['xsub_train']}
    val = {subj[n] for n in data['split']['xsub_val']}
    assert train == {1, 3} and val == {2, 4}
    for split in data['split'].values():
        labels = {a['label'] for a in data['annotations'] if a['frame_dir'] in set(split)}
        assert labels == set(range(len(ACTION_CLASSES)))


def test_deterministic_for_a_seed_and_different_across_seeds():
    a = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=5)
    b = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=5)
    c = generate_dataset(num_subjects=2, clips_per_class_per_subject=1, seed=6)
    assert all(np.array_equal(x['keypoint'], y['keypoint'])
               for x, y in zip(a['annotations'], b['annotations']))
    assert not np.array_equal(a['annotations'][0]['keypoint'], c['annotations'][0]['keypoint'])


def test_bone_lengths_are_rigid_over_time(data):
    for ann in data['annotations'][:24]:
        kp = ann['keypoint'][0]
        tracked = (kp != 0).any(-1)
        for c, p in BONES:
            ok = tracked[:, c] & tracked[:, p]
            length = np.linalg.norm(kp[ok, c] - kp[ok, p], axis=-1)
            # sensor noise (σ = 8 mm per coordinate) is the only source of change
            assert length.std() < 0.02, (ann['frame_dir'], c, p, length.std())
            assert 0.04 < np.median(length) < 0.6


def test_variation_sources_are_present(data):
    anns = data['annotations']
    assert any(a['keypoint'].shape[0] == 2 for a in anns)          # second person
    assert any((a['keypoint'][0] == 0).all(-1).any() for a in anns)  # dropped joints
    # camera yaw: the shoulder line's direction in the x-z plane varies across clips
    yaws = [np.arctan2(*(a['keypoint'][0, 0, 4] - a['keypoint'][0, 0, 8])[[2, 0]]) for a in anns]
    assert np.ptp(yaws) > 0.8
    lengths = [a['keypoint'].shape[1] for a in anns]
    assert np.ptp(lengths) > 30


def test_classes_differ_in_motion(data):
    """Per-class mean joint speed profiles must not all coincide."""
    speed = {}
    for ann in data['annotations']:
        kp = ann['keypoint'][0]
        v = np.linalg.norm(np.diff(kp, axis=0), axis=-1).mean(0)  # (25,) mean speed per joint
        speed.setdefault(ann['label'], []).append(v)
    means = np.stack([np.mean(speed[c], 0) for c in sorted(speed)])
    dists = np.linalg.norm(means[:, None] - means[None], axis=-1)
    off_diag = dists[~np.eye(len(means), dtype=bool)]
    assert off_diag.min() > 1e-3


def test_write_is_atomic_and_roundtrips(tmp_path):
    out = tmp_path / 'd' / 'syn.pkl'
    n_train, n_val = write_dataset(str(out), num_subjects=2, clips_per_class_per_subject=1)
    assert (n_train, n_val) == (12, 12)
    with open(out, 'rb') as f:
        loaded = pickle.load(f)
    assert len(loaded['annotations']) == 24
    assert [p.name for p in out.parent.iterdir()] == ['syn.pkl']


def test_bad_arguments():
    with pytest.raises(ValueError, match='num_classes'):
        generate_dataset(num_classes=99)
    with pytest.raises(ValueError, match='num_subjects'):
        generate_dataset(num_subjects=1)
