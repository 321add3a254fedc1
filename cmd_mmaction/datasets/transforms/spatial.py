"""Spatial augmentations on ``results['keypoint']`` float32 ``(M, T, V, C=3)``.

CMD applies exactly one of shear / joint corruption per view (docs/method_cmd.md, Data)::

    dict(type='RandomChoiceOf', transforms=[dict(type='RandomShear', amplitude=1.0),
                                            dict(type='JointCorruption')])
"""
import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomShear(BaseTransform):
    """``x' = S·x`` with ``S = I`` plus off-diagonals ``~ U(-a, a)`` (CMD a=1, IKEM a=0.5).

    Required/modified keys: ``keypoint`` (M, T, V, 3), same shape.
    """

    def __init__(self, amplitude: float = 1.0):
        self.amplitude = amplitude

    def transform(self, results):
        S = np.eye(3) + np.random.uniform(-self.amplitude, self.amplitude, (3, 3)) * (1 - np.eye(3))
        results['keypoint'] = (results['keypoint'] @ S.T).astype(np.float32)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(amplitude={self.amplitude})'


@TRANSFORMS.register_module()
class JointCorruption(BaseTransform):
    """CMD "joint corruption": pick ``num_joints`` joints; with probability
    ``p_zero`` zero them (all frames and bodies), else multiply their xyz by a
    random 3×3 matrix with entries ``~ U(-1, 1)``.

    Required/modified keys: ``keypoint`` (M, T, V, 3), same shape.
    """

    def __init__(self, num_joints: int = 15, p_zero: float = 0.5):
        self.num_joints = num_joints
        self.p_zero = p_zero

    def transform(self, results):
        kp = results['keypoint'].copy()
        joints = np.random.choice(kp.shape[2], min(self.num_joints, kp.shape[2]), replace=False)
        if np.random.rand() < self.p_zero:
            kp[:, :, joints] = 0
        else:
            kp[:, :, joints] = kp[:, :, joints] @ np.random.uniform(-1, 1, (3, 3))
        results['keypoint'] = kp.astype(np.float32)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(num_joints={self.num_joints}, p_zero={self.p_zero})'


@TRANSFORMS.register_module()
class RandomRotation(BaseTransform):
    """Rotate the whole clip by random Euler angles ``~ U(-max, max)`` about x, y, z.

    Required/modified keys: ``keypoint`` (M, T, V, 3), same shape; zero
    (missing) joints stay zero.

    Args:
        max_angle (float | tuple): radians per axis (x, y, z). Defaults to 0.3.
    """

    def __init__(self, max_angle=0.3):
        self.max_angle = np.broadcast_to(np.asarray(max_angle, dtype=float), (3, )).copy()

    def transform(self, results):
        ax, ay, az = np.random.uniform(-self.max_angle, self.max_angle)
        cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
        Rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
        Ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
        Rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
        results['keypoint'] = (results['keypoint'] @ (Rz @ Ry @ Rx).T).astype(np.float32)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(max_angle={tuple(self.max_angle)})'


@TRANSFORMS.register_module()
class RandomChoiceOf(BaseTransform):
    """Apply exactly one of ``transforms``, chosen with ``probs`` (uniform by default).

    Like mmcv's ``RandomChoice`` but builds its children from mmaction2's
    registry, so it works outside a runner's default scope too.
    """

    def __init__(self, transforms, probs=None):
        self.transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in transforms]
        self.probs = probs

    def transform(self, results):
        idx = np.random.choice(len(self.transforms), p=self.probs)
        return self.transforms[idx](results)

    def __repr__(self):
        return f'{self.__class__.__name__}(transforms={self.transforms}, probs={self.probs})'
