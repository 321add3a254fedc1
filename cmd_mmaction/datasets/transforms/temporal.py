"""Temporal transforms on ``results['keypoint']`` float32 ``(M, T, V, C)``.

CMD pretraining (docs/preprocessing.md)::

    dict(type='CMDPreNormalize'), dict(type='ValidLength'),
    dict(type='TemporalCropResize', clip_len=64, ratio=(0.1, 1.0)),   # train
    dict(type='TemporalCropResize', clip_len=64, test_mode=True),     # test / kNN

IKEM / CrosSCLR (the valid frames are resized to 50 by ``IKEMPreNormalize``)::

    dict(type='IKEMPreNormalize', clip_len=50), dict(type='TemporalReflectCrop', pad_ratio=6)
"""
import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from ...skeleton.temporal import resize_time


@TRANSFORMS.register_module()
class ValidLength(BaseTransform):
    """Count the valid frames: up to the last frame where any joint is non-zero.

    Required keys: ``keypoint`` (M, T, V, C); optional ``total_frames``.
    Added keys: ``valid_len`` (int, ≥ 1; trailing empty frames excluded).
    Raises ValueError naming the sample if no frame has a non-zero joint.
    """

    def transform(self, results):
        kp = results['keypoint']
        nonzero = np.flatnonzero(np.abs(kp).sum(axis=(0, 2, 3)) > 0)
        if nonzero.size == 0:
            raise ValueError(f"sample {results.get('frame_dir', '?')}: every frame is empty")
        valid = int(nonzero[-1]) + 1
        if results.get('total_frames'):
            valid = min(valid, int(results['total_frames']))
        results['valid_len'] = valid
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}()'


@TRANSFORMS.register_module()
class TemporalCropResize(BaseTransform):
    """Random (or centre) temporal crop of the valid frames, resized to ``clip_len``.

    Train: ``s ~ U(ratio)``, ``L = clip(floor(valid·s), min_len, valid)``,
    ``start ~ randint(0, valid - L)`` inclusive. Test: the centre ``test_ratio``
    crop, ``start = int((1 - test_ratio)/2 · valid)``, frames
    ``[start, valid - start)``. Then linear resize to ``clip_len``
    (:func:`resize_time`).

    Required keys: ``keypoint`` (M, T, V, C), ``valid_len`` (else T).
    Modified keys: ``keypoint`` → (M, clip_len, V, C).
    Added keys: ``crop_start``, ``crop_len`` (the window in the original clip).

    Args:
        clip_len (int): output frames. Defaults to 64.
        ratio (tuple[float, float]): range of the crop ratio. Defaults to (0.1, 1.0).
        min_len (int | None): minimum crop length; None = ``clip_len``.
        test_mode (bool): deterministic centre crop. Defaults to False.
        test_ratio (float): centre-crop ratio. Defaults to 0.95.
    """

    def __init__(self, clip_len=64, ratio=(0.1, 1.0), min_len=None, test_mode=False,
                 test_ratio=0.95):
        if not 0 < ratio[0] <= ratio[1] <= 1:
            raise ValueError(f'ratio must satisfy 0 < lo <= hi <= 1, got {ratio}')
        self.clip_len = clip_len
        self.ratio = tuple(ratio)
        self.min_len = clip_len if min_len is None else min_len
        self.test_mode = test_mode
        self.test_ratio = test_ratio

    def transform(self, results):
        kp = results['keypoint']
        valid = int(results.get('valid_len', kp.shape[1]))
        if self.test_mode:
            start = int((1 - self.test_ratio) / 2 * valid)
            length = max(valid - 2 * start, 1)
        else:
            s = np.random.uniform(*self.ratio)
            length = int(np.clip(np.floor(valid * s), min(self.min_len, valid), valid))
            start = np.random.randint(0, valid - length + 1)
        results['keypoint'] = resize_time(kp[:, start:start + length], self.clip_len)
        results['crop_start'], results['crop_len'] = int(start), int(length)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, ratio={self.ratio}, '
                f'min_len={self.min_len}, test_mode={self.test_mode}, '
                f'test_ratio={self.test_ratio})')


@TRANSFORMS.register_module()
class TemporalReflectCrop(BaseTransform):
    """CrosSCLR/IKEM temporal crop: pad ``P = T // pad_ratio`` mirrored frames at
    both ends, keep ``T`` frames from a random start in ``[0, 2P]``.

    The official crop pads with the first / last ``P`` frames in reverse order,
    the edge frame included (numpy's ``symmetric`` mode: ``f2 f1 f0 | f0 f1 ...``);
    ``pad_mode='reflect'`` (edge not repeated) is what this transform did before
    and is kept only for comparison.

    Required/modified keys: ``keypoint`` (M, T, V, C) -> same shape.

    Args:
        pad_ratio (int): ``P = T // pad_ratio``. Defaults to 6 (IKEM).
        pad_mode (str): ``'symmetric'`` (official) or ``'reflect'``.
    """

    def __init__(self, pad_ratio: int = 6, pad_mode: str = 'symmetric'):
        if pad_mode not in ('symmetric', 'reflect'):
            raise ValueError(f"pad_mode must be 'symmetric' or 'reflect', got {pad_mode!r}")
        self.pad_ratio = pad_ratio
        self.pad_mode = pad_mode

    def transform(self, results):
        kp = results['keypoint']
        T = kp.shape[1]
        pad = T // self.pad_ratio
        if pad == 0:
            return results
        padded = np.pad(kp, ((0, 0), (pad, pad), (0, 0), (0, 0)), mode=self.pad_mode)
        start = np.random.randint(0, 2 * pad + 1)
        results['keypoint'] = np.ascontiguousarray(padded[:, start:start + T])
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(pad_ratio={self.pad_ratio}, '
                f'pad_mode={self.pad_mode!r})')
