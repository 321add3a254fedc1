"""Skeleton transforms: shapes, invariants and the CMD pretraining pipeline."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from cmd_mmaction.skeleton.modalities import compute_modality
from cmd_mmaction.datasets.transforms import (GenModality, JointCorruption, MultiView,
                                              RandomChoiceOf, RandomRotation, RandomShear,
                                              TemporalCropResize, TemporalReflectCrop,
                                              ValidLength)
from cmd_mmaction.skeleton.temporal import resize_time


def _sample(T=80, valid=70, M=2, seed=0):
    rng = np.random.default_rng(seed)
    kp = rng.normal(size=(M, T, 25, 3)).astype(np.float32)
    kp[:, valid:] = 0
    return dict(keypoint=kp, total_frames=T, frame_dir='S001', label=3)


def test_valid_length_excludes_trailing_empty_frames():
    res = ValidLength()(_sample(T=80, valid=70))
    assert res['valid_len'] == 70
    empty = _sample()
    empty['keypoint'][:] = 0
    with pytest.raises(ValueError, match='S001'):
        ValidLength()(empty)


def test_resize_matches_torch_interpolate():
    kp = np.random.default_rng(1).normal(size=(2, 37, 25, 3)).astype(np.float32)
    for length in (64, 16, 37):
        ours = resize_time(kp, length)
        img = torch.from_numpy(kp).permute(0, 2, 3, 1).reshape(1, -1, 37, 1)  # (1, M·V·C, T, 1)
        ref = F.interpolate(img, size=(length, 1), mode='bilinear', align_corners=False)
        ref = ref.reshape(2, 25, 3, length).permute(0, 3, 1, 2).numpy()
        np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_crop_ratio_one_keeps_first_and_last_valid_frames():
    res = ValidLength()(_sample(T=80, valid=64))
    res = TemporalCropResize(clip_len=64, ratio=(1.0, 1.0))(res)
    assert (res['crop_start'], res['crop_len']) == (0, 64)
    orig = _sample(T=80, valid=64)['keypoint']
    np.testing.assert_array_equal(res['keypoint'][:, 0], orig[:, 0])
    np.testing.assert_array_equal(res['keypoint'][:, -1], orig[:, 63])


def test_random_crop_respects_bounds_and_min_len():
    np.random.seed(0)
    for _ in range(50):
        res = TemporalCropResize(clip_len=16, ratio=(0.1, 1.0), min_len=20)(
            ValidLength()(_sample(T=80, valid=70)))
        assert res['keypoint'].shape == (2, 16, 25, 3)
        assert res['crop_len'] >= 20 and res['crop_start'] + res['crop_len'] <= 70
    short = TemporalCropResize(clip_len=64, ratio=(0.1, 1.0))(ValidLength()(_sample(T=40, valid=30)))
    assert short['crop_len'] == 30  # shorter than min_len: the whole clip


def test_centre_crop_indices():
    res = TemporalCropResize(clip_len=64, test_mode=True)(ValidLength()(_sample(T=300, valid=200)))
    assert res['crop_start'] == int(0.025 * 200) == 5 and res['crop_len'] == 190


def test_shear_zero_amplitude_is_identity_and_rotation_keeps_bone_lengths():
    s = _sample()
    np.testing.assert_allclose(RandomShear(0.0)(dict(s))['keypoint'], s['keypoint'], atol=1e-6)
    np.random.seed(3)
    rot = RandomRotation(0.5)(dict(s))['keypoint']
    b0 = compute_modality('bone', torch.from_numpy(s['keypoint'])).norm(dim=-1)
    b1 = compute_modality('bone', torch.from_numpy(rot)).norm(dim=-1)
    assert torch.allclose(b0, b1, atol=1e-4)
    assert not np.allclose(rot, s['keypoint'])


def test_joint_corruption_branches():
    s = _sample(valid=80)
    zero = JointCorruption(num_joints=15, p_zero=1.0)(dict(s))['keypoint']
    zeroed = (zero == 0).all(axis=(0, 1, 3))
    assert zeroed.sum() == 15
    mixed = JointCorruption(num_joints=15, p_zero=0.0)(dict(s))['keypoint']
    changed = ~np.isclose(mixed, s['keypoint']).all(axis=(0, 1, 3))
    assert changed.sum() == 15


def test_reflect_crop_keeps_length_and_content():
    np.random.seed(0)
    s = _sample(T=50, valid=50)
    out = TemporalReflectCrop(pad_ratio=6)(dict(s))['keypoint']
    assert out.shape == s['keypoint'].shape
    # every output frame is some input frame (reflection only re-uses frames)
    flat_in = s['keypoint'].transpose(1, 0, 2, 3).reshape(50, -1)
    flat_out = out.transpose(1, 0, 2, 3).reshape(50, -1)
    assert all((np.abs(flat_in - f).sum(1) == 0).any() for f in flat_out)


def test_gen_modality_matches_functions():
    s = _sample()
    out = GenModality(['joint', 'motion'])(dict(s))['keypoint']
    assert out.shape == (2, 80, 25, 6)
    np.testing.assert_allclose(out[..., 3:], compute_modality('motion', torch.from_numpy(s['keypoint'])).numpy())
    with pytest.raises(ValueError, match='unknown modality'):
        GenModality(['speed'])


def test_multiview_views_differ_but_share_the_clip():
    np.random.seed(0)
    mv = MultiView(num_views=2, transforms=[
        dict(type='TemporalCropResize', clip_len=32, ratio=(0.1, 1.0)),
        dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear'), dict(type='JointCorruption')])])
    res = mv(ValidLength()(_sample()))
    assert res['keypoint'].shape == (2, 64, 25, 3) and res['num_clips'] == 2
    v0, v1 = res['keypoint'][:, :32], res['keypoint'][:, 32:]
    assert not np.allclose(v0, v1)
    assert res['label'] == 3 and res['frame_dir'] == 'S001' and res['valid_len'] == 70
    assert 'MultiView' in repr(mv) and 'RandomShear' in repr(mv)


def test_cmd_pretrain_pipeline_end_to_end():
    pipeline = [
        dict(type='PreNormalize3D'), dict(type='ValidLength'),
        dict(type='MultiView', num_views=2, transforms=[
            dict(type='TemporalCropResize', clip_len=64, ratio=(0.1, 1.0)),
            dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear', amplitude=1.0),
                                                    dict(type='JointCorruption')])]),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs', meta_keys=('frame_dir', 'total_frames', 'valid_len'))]
    with DefaultScope.overwrite_default_scope('mmaction'):
        packed = Compose(pipeline)(dict(_sample(M=1), img_shape=(1080, 1920)))
    assert tuple(packed['inputs'].shape) == (2, 2, 64, 25, 3)
    assert packed['data_samples'].metainfo['valid_len'] == 70


def test_choice_reprs():
    assert 'RandomShear(amplitude=0.5)' in repr(RandomChoiceOf([dict(type='RandomShear', amplitude=0.5)]))
