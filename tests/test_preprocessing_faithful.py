"""CMD's and IKEM's own pre-normalisations against the official procedures written out by
hand (docs/preprocessing.md), through the shipped configs and the converters."""
import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest
from cmd_mmaction.utils import load_config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope
from scipy.spatial.transform import Rotation

from cmd_mmaction.datasets.converters.ntu import convert_ntu
from cmd_mmaction.skeleton.layouts import get_layout
from cmd_mmaction.skeleton.pre_normalize import cmd_pre_normalize, ikem_pre_normalize
from fixtures_skeleton import NTU_POSE, ROOT, write_ntu_skeleton
from mmaction.registry import DATASETS, TRANSFORMS

HIP, SPINE, NECK, L_SHOULDER, R_SHOULDER = 0, 1, 20, 4, 8
CONFIGS = ROOT / 'configs'


@pytest.fixture(autouse=True)
def _mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


# ----------------------------------------------------------------- fixtures
def walking_clip(num_frames=40, body1_frames=25, seed=0):
    """Two people, (2, T, 25, 3) metres, camera-like axes (y up): body 0 walks 1.2 m
    along x and 0.6 m towards the camera while turning; body 1 stands, then leaves
    (its trailing frames are empty); body 0's left thumb is untracked (zero) in
    frames 5-9."""
    rng = np.random.default_rng(seed)
    t = np.arange(num_frames)[:, None, None]
    yaw = np.radians(25 + 0.5 * np.arange(num_frames))
    turn = np.stack([Rotation.from_euler('y', a).as_matrix() for a in yaw])  # (T, 3, 3)
    body0 = np.einsum('tij,vj->tvi', turn, NTU_POSE)
    body0 = body0 + np.array([0.3, 0.1, 3.0]) + t * np.array([0.03, 0.0, -0.015])
    body0 += rng.normal(scale=0.004, size=body0.shape)
    body1 = NTU_POSE @ Rotation.from_euler('y', -40, degrees=True).as_matrix().T
    body1 = np.repeat(body1[None], num_frames, 0) + np.array([-0.9, 0.05, 3.4])
    body1 = body1 + rng.normal(scale=0.004, size=body1.shape)
    body1[body1_frames:] = 0
    body0[5:10, 22] = 0
    return np.round(np.stack([body0, body1]), 6)


def official_cmd(keypoint):
    """CMD's data preparation (2s-AGCN ``pre_normalization``), written out as the official
    loops: pad by tiling, centre on body 0's spine per frame, then the two axis-angle
    turns of frame 0 (rotation matrices from scipy, not from our code)."""
    s = np.array(keypoint, dtype=np.float64)  # (M, T, V, C)
    T = s.shape[1]
    for p, person in enumerate(s):
        if person.sum() == 0:
            continue
        if person[0].sum() == 0:
            keep = person.sum(-1).sum(-1) != 0
            moved = person[keep].copy()
            person[:] = 0
            person[:len(moved)] = moved
        for f in range(T):
            if person[f].sum() == 0 and person[f:].sum() == 0:
                rest = T - f
                person[f:] = np.concatenate([person[:f]] * int(np.ceil(rest / f)))[:rest]
                break
    center = s[0][:, SPINE:SPINE + 1].copy()
    for p in range(len(s)):
        if s[p].sum() != 0:
            s[p] = (s[p] - center) * (s[p].sum(-1) != 0)[..., None]

    def turn(vector, target):
        axis = np.cross(vector, target)
        if np.abs(axis).sum() < 1e-6:
            return np.eye(3)
        cos = np.dot(vector, target) / np.linalg.norm(vector) / np.linalg.norm(target)
        angle = np.arccos(np.clip(cos, -1, 1))
        return Rotation.from_rotvec(axis / np.linalg.norm(axis) * angle).as_matrix()

    for vector, target in ((lambda: s[0, 0, SPINE] - s[0, 0, HIP], [0, 0, 1]),
                           (lambda: s[0, 0, R_SHOULDER] - s[0, 0, L_SHOULDER], [1, 0, 0])):
        matrix = turn(vector(), np.array(target, dtype=float))
        for p in range(len(s)):
            for f in range(T):
                if s[p, f].sum() != 0:
                    s[p, f] = s[p, f] @ matrix.T
    return s


def official_ikem(keypoint, clip_len=50):
    """IKEM's data preparation (CrosSCLR ``NTUMotionProcessor``: relative, resize, y
    rotation) on the official (C, T, V, M) layout, with OpenCV's resize."""
    data = np.asarray(keypoint, dtype=np.float32).transpose(3, 1, 2, 0)  # (C, T, V, M)
    C, T, V, M = data.shape
    length = int((np.abs(data[:, :, HIP, 0]).sum(axis=0) != 0).sum())
    data = data - data[:, :, NECK, :].reshape(C, T, 1, M)
    resized = np.zeros((C, clip_len, V, M), dtype=np.float32)
    for m in range(M):
        img = np.ascontiguousarray(data[:, :length, :, m].transpose(1, 2, 0))
        resized[:, :, :, m] = cv2.resize(img, (V, clip_len),
                                         interpolation=cv2.INTER_LINEAR).transpose(2, 0, 1)
    for m in range(M):
        body = resized[:, :, :, m]  # (C, T, V)
        vec = body[:, :, R_SHOULDER] - body[:, :, L_SHOULDER]
        vec[1] = 0
        thetas = np.degrees(np.arccos(vec[0] / (np.sqrt((vec ** 2).sum(0)) + 0.0001)))
        if vec[2].sum() >= 0:
            thetas = -thetas
        out = np.zeros_like(body)
        for f, theta in enumerate(np.radians(thetas)):
            tm = np.array([[np.cos(theta), 0, -np.sin(theta)], [0, 1, 0],
                           [np.sin(theta), 0, np.cos(theta)]])
            out[:, f] = tm @ body[:, f]
        resized[:, :, :, m] = out
    return resized.transpose(3, 1, 2, 0)  # (M, clip_len, V, C)


# ----------------------------------------------------------------- CMD
def test_cmd_equals_the_official_procedure_on_a_walking_clip():
    raw = walking_clip()
    out = TRANSFORMS.build(dict(type='CMDPreNormalize'))(dict(keypoint=raw.astype(np.float32)))
    kp = out['keypoint']
    np.testing.assert_allclose(kp, official_cmd(raw), atol=2e-6)
    assert out['pre_normalized'] == dict(method='cmd', layout='nturgb+d')
    # body 0's spine is the origin in every frame (PreNormalize3D keeps the walk)
    np.testing.assert_allclose(kp[0, :, SPINE], 0, atol=1e-6)
    # body 1's empty tail (frames 25..39) is filled with its first frames (tiled before
    # the centring, so frame 25 + i is frame i moved by the spine's walk: one shift for
    # every joint of a frame)
    assert np.all(np.any(kp[1, 25:] != 0, axis=(1, 2)))
    shift = kp[1, 25:] - kp[1, :15]
    assert np.ptp(shift, axis=1).max() < 1e-5
    # untracked joints stay exactly zero
    assert np.all(kp[0, 5:10, 22] == 0) and np.any(kp[0, 10:, 22] != 0)
    # the first frame's axes: hip -> spine in the y-z plane... then shoulders on +x
    shoulders = kp[0, 0, R_SHOULDER] - kp[0, 0, L_SHOULDER]
    assert shoulders[0] > 0 and np.allclose(shoulders[1:], 0, atol=1e-6)


def test_mmaction2_prenormalize3d_is_not_the_cmd_procedure():
    """Why the configs moved: on the walking clip mmaction2's transform leaves body 0's
    spine travelling (it subtracts one constant point)."""
    raw = walking_clip().astype(np.float32)
    stock = TRANSFORMS.build(dict(type='PreNormalize3D'))(
        dict(keypoint=raw.copy(), total_frames=raw.shape[1]))['keypoint']
    travel = np.linalg.norm(stock[0, -1, SPINE] - stock[0, 0, SPINE])
    assert travel > 1.0  # metres of trajectory kept in the joint stream
    ours = cmd_pre_normalize(raw)
    assert np.abs(ours[0, :, SPINE]).max() < 1e-6


def test_cmd_uses_the_layout_joints_msr20():
    """MSR Action3D's file order: spine 4, hip centre 7, shoulders 2 / 1 (1-based)."""
    joints = get_layout('msr20').norm
    assert (joints.spine, joints.hip, joints.right_shoulder, joints.left_shoulder) == (3, 6, 1, 0)
    rng = np.random.default_rng(1)
    kp = (rng.normal(size=(1, 12, 20, 3)) + np.linspace(0, 2, 12)[None, :, None, None])
    out = TRANSFORMS.build(dict(type='CMDPreNormalize', layout='msr20'))(
        dict(keypoint=kp.astype(np.float32)))['keypoint']
    np.testing.assert_allclose(out[0, :, 3], 0, atol=1e-6)
    np.testing.assert_allclose(
        out, cmd_pre_normalize(kp.astype(np.float32), 'msr20'), atol=1e-6)
    with pytest.raises(ValueError, match='defines no normalisation joints'):
        TRANSFORMS.build(dict(type='CMDPreNormalize', layout='coco'))


# ----------------------------------------------------------------- IKEM
def test_ikem_equals_the_official_procedure():
    raw = walking_clip(num_frames=73)
    out = TRANSFORMS.build(dict(type='IKEMPreNormalize', clip_len=50))(
        dict(keypoint=raw.astype(np.float32), total_frames=73))
    assert out['keypoint'].shape == (2, 50, 25, 3) and out['total_frames'] == 73
    np.testing.assert_allclose(out['keypoint'], official_ikem(raw), atol=2e-5)
    assert out['pre_normalized'] == dict(method='ikem', layout='nturgb+d')
    # each body is centred on its own neck joint in every frame
    assert np.abs(out['keypoint'][:, :, NECK]).max() < 1e-5


def test_ikem_sign_rule_turns_shoulders_onto_x():
    """Shoulders facing the majority direction end on +x, the other frames do not."""
    pose = NTU_POSE.copy()
    clip = np.stack([pose @ Rotation.from_euler('y', a, degrees=True).as_matrix().T
                     for a in [30] * 8 + [-30] * 2])[None]
    out = ikem_pre_normalize(clip, clip_len=10)
    sh = out[0, :, R_SHOULDER] - out[0, :, L_SHOULDER]
    assert np.allclose(sh[:8, 2], 0, atol=1e-3) and np.all(sh[:8, 0] > 0)
    assert np.all(np.abs(sh[8:, 2]) > 0.1)  # the minority frames are turned away
    np.testing.assert_allclose(out, official_ikem(clip, 10), atol=1e-5)


def test_ikem_temporal_crop_pads_symmetrically_like_the_official_crop(monkeypatch):
    """T = 12, P = 12 // 6 = 2: the official crop pads [f1 f0 | f0 ... f11 | f11 f10]."""
    frames = np.arange(12, dtype=np.float32)
    kp = np.broadcast_to(frames[None, :, None, None], (1, 12, 25, 3)).copy()
    crop = TRANSFORMS.build(dict(type='TemporalReflectCrop', pad_ratio=6))
    official = np.concatenate([frames[:2][::-1], frames, frames[-2:][::-1]])
    for start in range(5):
        monkeypatch.setattr(np.random, 'randint', lambda lo, hi, s=start: s)
        out = crop(dict(keypoint=kp.copy()))['keypoint'][0, :, 0, 0]
        np.testing.assert_array_equal(out, official[start:start + 12])
    assert list(official[:4]) == [1, 0, 0, 1]  # the edge frame is repeated


# ----------------------------------------------------------------- configs, converters
def _pipeline_configs():
    return sorted(p for p in CONFIGS.rglob('*.py'))


def test_no_config_uses_mmaction2_prenormalize3d():
    offenders = [str(p.relative_to(ROOT)) for p in _pipeline_configs()
                 if 'PreNormalize3D' in p.read_text()]
    assert offenders == []


def _transforms(node):
    if isinstance(node, dict):
        if 'type' in node and isinstance(node['type'], str):
            yield node['type']
        for value in node.values():
            yield from _transforms(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _transforms(item)


@pytest.mark.parametrize('path', [p for p in (CONFIGS / 'cmd').glob('*.py')]
                         + [p for p in (CONFIGS / 'ikem').glob('ikem-*.py')]
                         + [p for p in (CONFIGS / 'linear').glob('*.py')][:3],
                         ids=lambda p: p.stem)
def test_each_method_config_applies_its_own_pre_normalisation(path):
    cfg = load_config(str(path))
    types = list(_transforms(cfg.train_dataloader.to_dict()))
    expected = 'IKEMPreNormalize' if path.name.startswith('ikem') else 'CMDPreNormalize'
    assert types.count(expected) == 1, types
    assert {'CMDPreNormalize', 'IKEMPreNormalize'} - {expected} & set(types) == set()


@pytest.fixture
def walking_ntu(tmp_path):
    """The walking clip as an NTU .skeleton file, converted raw and with --normalize."""
    raw = walking_clip()
    src = tmp_path / 'skeletons'
    src.mkdir()
    write_ntu_skeleton(src / 'S001C001P001R001A010.skeleton', {72057594037931101: raw[0],
                                                               72057594037931102: raw[1]})
    paths = {}
    for normalize in (False, True):
        paths[normalize] = tmp_path / f'ntu_{normalize}.pkl'
        convert_ntu([src], paths[normalize], normalize=normalize, progress=False)
    return paths


def _query_dataset(ann_file):
    cfg = load_config(str(CONFIGS / 'cmd' / 'cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py'))
    query = cfg.val_dataloader.dataset.query
    query.update(ann_file=str(ann_file), split='xsub_train')
    return DATASETS.build(query)


def test_pipeline_equals_converter_normalize_and_is_not_applied_twice(walking_ntu):
    with open(walking_ntu[True], 'rb') as f:
        normalised = pickle.load(f)
    assert normalised['pre_normalized'] == dict(method='cmd', layout='nturgb+d')
    with open(walking_ntu[False], 'rb') as f:
        assert 'pre_normalized' not in pickle.load(f)
    online = _query_dataset(walking_ntu[False])[0]['inputs']   # normalised by the pipeline
    offline = _query_dataset(walking_ntu[True])[0]['inputs']   # by the converter, left alone
    np.testing.assert_allclose(offline.numpy(), online.numpy(), atol=1e-5)
    # a second pass would move the joints (the rotations are not idempotent), so the
    # equality above means the transform left the normalised sample alone
    kp = normalised['annotations'][0]['keypoint']
    assert np.abs(cmd_pre_normalize(kp) - kp).max() > 1e-3
    done = TRANSFORMS.build(dict(type='CMDPreNormalize'))(
        dict(keypoint=kp, pre_normalized=normalised['pre_normalized']))
    assert done['keypoint'] is kp


def test_other_procedure_on_normalised_data_is_refused(walking_ntu):
    with open(walking_ntu[True], 'rb') as f:
        kp = pickle.load(f)['annotations'][0]['keypoint']
    ikem = TRANSFORMS.build(dict(type='IKEMPreNormalize'))
    with pytest.raises(ValueError, match=r"already pre-normalised \('cmd'"):
        ikem(dict(keypoint=kp, frame_dir='S001C001P001R001A010',
                  pre_normalized=dict(method='cmd', layout='nturgb+d')))
    msr = TRANSFORMS.build(dict(type='CMDPreNormalize', layout='msr20'))
    with pytest.raises(ValueError, match='layout'):
        msr(dict(keypoint=kp, pre_normalized=dict(method='cmd', layout='nturgb+d')))


def test_dataset_refuses_a_bad_pre_normalized_field(tmp_path, walking_ntu):
    with open(walking_ntu[True], 'rb') as f:
        data = pickle.load(f)
    data['pre_normalized'] = dict(method='agcn', layout='nturgb+d')
    bad = Path(tmp_path) / 'bad.pkl'
    with open(bad, 'wb') as f:
        pickle.dump(data, f)
    with pytest.raises(ValueError, match=r'bad\.pkl: bad "pre_normalized" field'):
        _query_dataset(bad)


def test_normalised_pipeline_keeps_spine_at_origin_through_the_crop(walking_ntu):
    """The kNN pipeline of the main job: centre crop + resize keep body 0's spine at 0."""
    inputs = _query_dataset(walking_ntu[False])[0]['inputs'].numpy()  # (1, M, T, V, C)
    assert np.abs(inputs[0, 0, :, SPINE]).max() < 1e-5
    raw = Compose([dict(type='ValidLength'),
                   dict(type='TemporalCropResize', clip_len=64, test_mode=True)])
    plain = raw(dict(keypoint=walking_clip().astype(np.float32)))['keypoint']
    assert np.abs(plain[0, :, SPINE]).max() > 1.0
