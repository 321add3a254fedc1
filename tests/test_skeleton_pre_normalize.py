"""The 2s-AGCN pre-normalisation (CMD's procedure) checked on hand-built rotations."""
import numpy as np
import pytest

from cmd_mmaction.skeleton.pre_normalize import align_matrix, pre_normalize, rotation_matrix
from fixtures_skeleton import NTU_POSE

HIP, SPINE, L_SHOULDER, R_SHOULDER = 0, 1, 4, 8


def rot_x(deg):
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(deg):
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def canonical_pose():
    """NTU_POSE turned so that hip->spine is +z and right - left shoulder is +x."""
    return NTU_POSE @ rot_x(90).T  # y up -> z up; x stays x


def test_rotation_matrix_by_hand():
    np.testing.assert_allclose(rotation_matrix([0, 0, 1], np.pi / 2) @ [1, 0, 0], [0, 1, 0],
                               atol=1e-12)
    np.testing.assert_allclose(rotation_matrix([1, 0, 0], np.pi / 2) @ [0, 1, 0], [0, 0, 1],
                               atol=1e-12)
    np.testing.assert_allclose(rotation_matrix([0, 0, 0], 1.0), np.eye(3))
    np.testing.assert_allclose(align_matrix([0, 0, -2], [0, 0, 1]) @ [0, 0, -1], [0, 0, 1],
                               atol=1e-12)  # anti-parallel
    np.testing.assert_allclose(align_matrix([0, 3, 0], [0, 0, 1]) @ [0, 1, 0], [0, 0, 1],
                               atol=1e-12)


def test_canonical_pose_is_fixed_point():
    pose = canonical_pose()
    assert np.allclose((pose[SPINE] - pose[HIP])[:2], 0)
    assert np.allclose((pose[R_SHOULDER] - pose[L_SHOULDER])[1:], 0)
    kp = np.stack([pose, pose + [0.1, 0, 0]])[None].astype(np.float32)  # (1, 2, 25, 3)
    np.testing.assert_allclose(pre_normalize(kp)[0, 0], pose, atol=1e-6)


def test_known_rotation_is_undone():
    """Rotate + translate a canonical two-person sample; normalising must give it back."""
    pose = canonical_pose()
    num_frames = 6
    sway = np.array([[0.05 * t, 0.0, 0.02 * t] for t in range(num_frames)])[:, None]
    body0 = pose[None] + sway
    body0 = body0 - body0[:, SPINE:SPINE + 1]  # spine-middle of body 0 at the origin
    body1 = pose[None] + np.array([0.8, 0.3, 0.0]) + sway
    canon = np.stack([body0, body1])  # (2, T, 25, 3), already normalised
    turn = rot_y(30) @ rot_x(-70)
    moved = canon @ turn.T + np.array([0.4, -0.2, 3.0])
    out = pre_normalize(moved.astype(np.float32))
    assert out.dtype == np.float32 and out.shape == canon.shape
    np.testing.assert_allclose(out, canon, atol=1e-5)
    spine = out[0, 0, SPINE] - out[0, 0, HIP]
    shoulders = out[0, 0, R_SHOULDER] - out[0, 0, L_SHOULDER]
    assert np.allclose(np.cross(spine, [0, 0, 1]), 0, atol=1e-6) and spine[2] > 0
    assert np.allclose(np.cross(shoulders, [1, 0, 0]), 0, atol=1e-6) and shoulders[0] > 0
    np.testing.assert_allclose(out[0, :, SPINE], 0, atol=1e-6)


def test_hand_computed_first_rotation():
    """hip->spine = +y: a 90 deg turn about +x maps (x, y, z) -> (x, -z, y)."""
    kp = np.zeros((1, 1, 25, 3))
    kp[0, 0, HIP] = [0, -1, 0]
    kp[0, 0, SPINE] = [0, 0, 0]
    kp[0, 0, L_SHOULDER] = [-1, 0, 0]
    kp[0, 0, R_SHOULDER] = [1, 0, 0]  # shoulders already along +x: second turn is identity
    kp[0, 0, 3] = [0.2, 0.5, 0.7]
    out = pre_normalize(kp)
    np.testing.assert_allclose(out[0, 0, HIP], [0, 0, -1], atol=1e-6)
    np.testing.assert_allclose(out[0, 0, 3], [0.2, -0.7, 0.5], atol=1e-6)
    np.testing.assert_allclose(out[0, 0, R_SHOULDER], [1, 0, 0], atol=1e-6)
    assert np.all(out[0, 0, 10:] == 0)  # empty joints stay empty


def test_hand_computed_second_rotation_and_centering():
    """Spine already +z, shoulders along +y: a -90 deg turn about z; centre subtracted."""
    kp = np.zeros((1, 2, 25, 3))
    centre = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 3.0]])  # spine-middle moves in frame 1
    for t in range(2):
        kp[0, t, HIP] = centre[t] + [0, 0, -1]
        kp[0, t, SPINE] = centre[t]
        kp[0, t, L_SHOULDER] = centre[t] + [0, -1, 0.5]
        kp[0, t, R_SHOULDER] = centre[t] + [0, 1, 0.5]
    kp[0, 1, 3] = centre[1] + [0.3, 0.4, 0.0]
    out = pre_normalize(kp)
    # rotation about +z by -90 deg: (x, y, z) -> (y, -x, z)
    np.testing.assert_allclose(out[0, 0, R_SHOULDER], [1, 0, 0.5], atol=1e-6)
    np.testing.assert_allclose(out[0, 1, 3], [0.4, -0.3, 0.0], atol=1e-6)
    np.testing.assert_allclose(out[0, :, SPINE], 0, atol=1e-6)


def test_padding_shift_and_tile():
    """Body 1 empty in frames 0 and 3-4: its valid frames move to the front, then tile."""
    pose = canonical_pose()
    body0 = np.repeat(pose[None], 5, axis=0)
    body1 = np.zeros((5, 25, 3))
    a, b = pose + [1.0, 0, 0], pose + [2.0, 0, 0]
    body1[1], body1[2] = a, b
    out = pre_normalize(np.stack([body0, body1]))
    # body 0 is canonical with spine at the origin: centring/rotations are identities
    np.testing.assert_allclose(out[0], body0, atol=1e-6)
    for t, expected in enumerate([a, b, a, b, a]):
        np.testing.assert_allclose(out[1, t], expected, atol=1e-6)


def test_pad_to_fixed_length():
    pose = canonical_pose()
    kp = np.zeros((1, 3, 25, 3))
    kp[0, 0], kp[0, 1] = pose, pose * 1.1  # frame 1 differs after centring
    out = pre_normalize(kp, pad_to=7)
    assert out.shape == (1, 7, 25, 3)
    assert not np.allclose(out[0, 0], out[0, 1])
    # the 2 valid frames are tiled: frames 2, 4, 6 repeat frame 0 and 3, 5 repeat frame 1
    np.testing.assert_allclose(out[0, 2::2], np.repeat(out[0, :1], 3, 0), atol=1e-6)
    np.testing.assert_allclose(out[0, 3::2], np.repeat(out[0, 1:2], 2, 0), atol=1e-6)
    with pytest.raises(ValueError, match='shorter'):
        pre_normalize(kp, pad_to=2)


def test_non_perpendicular_shoulders_end_on_x():
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 4, 25, 3))
    out = pre_normalize(kp)
    shoulders = out[0, 0, R_SHOULDER] - out[0, 0, L_SHOULDER]
    assert shoulders[0] > 0 and np.allclose(shoulders[1:], 0, atol=1e-5)
    np.testing.assert_allclose(out[0, :, SPINE], 0, atol=1e-6)


def test_empty_and_bad_input():
    assert pre_normalize(np.zeros((2, 3, 25, 3))).shape == (2, 3, 25, 3)
    with pytest.raises(ValueError, match=r'\(M, T, V, 3\)'):
        pre_normalize(np.zeros((3, 25, 3)))
