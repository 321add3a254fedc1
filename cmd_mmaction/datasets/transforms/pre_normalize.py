"""The papers' pre-normalisations as pipeline transforms (docs/preprocessing.md).

They replace mmaction2's ``PreNormalize3D``, which is neither procedure: it
subtracts one constant point (body 0's spine in frame 0), so a walking person
keeps the global trajectory in the joint stream.

Both read their joints from the skeleton layout and call the functions of
:mod:`cmd_mmaction.skeleton.pre_normalize`, the same ones the converters'
``--normalize`` uses, so a clip normalised offline and one normalised here are
equal. A sample that is already normalised carries ``pre_normalized =
dict(method, layout)`` (set from the pickle's top-level field of the same name
by ``SkeletonPoseDataset``, or by an earlier transform): the same procedure
leaves it alone, any other one refuses it, so nothing is normalised twice.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from ...skeleton.layouts import get_layout
from ...skeleton.pre_normalize import (cmd_pre_normalize, ikem_pre_normalize,
                                       normalization_record)


class _PaperPreNormalize(BaseTransform):
    """Shared pass-through / refusal logic; subclasses set ``method`` and ``_apply``."""
    method = ''

    def __init__(self, layout: str = 'nturgb+d'):
        self.layout = get_layout(layout).name
        get_layout(layout).norm_joints()  # a layout without them fails when built

    def _apply(self, keypoint: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def transform(self, results):
        done = results.get('pre_normalized')
        if done is not None:
            if done == normalization_record(self.method, self.layout):
                return results
            raise ValueError(
                f"sample {results.get('frame_dir', '?')!r} is already pre-normalised "
                f"({done.get('method')!r}, layout {done.get('layout')!r}) but "
                f'{type(self).__name__} would apply {self.method!r} (layout {self.layout!r}) '
                'on top: convert the raw data without --normalize, or drop this transform')
        results['keypoint'] = self._apply(results['keypoint'])
        results['pre_normalized'] = normalization_record(self.method, self.layout)
        return results


@TRANSFORMS.register_module()
class CMDPreNormalize(_PaperPreNormalize):
    """CMD's (2s-AGCN) pre-normalisation: per-frame centring on body 0's spine,
    tiling of each body's empty tail, hip->spine to +z and shoulders to +x from
    the first frame; empty joints stay zero.

    Required/modified keys: ``keypoint`` (M, T, V, 3), same shape.
    Added keys: ``pre_normalized``.

    Args:
        layout (str): skeleton layout whose ``norm`` joints are used.
            Defaults to ``'nturgb+d'``.
    """
    method = 'cmd'

    def _apply(self, keypoint):
        return cmd_pre_normalize(keypoint, self.layout)

    def __repr__(self):
        return f'{self.__class__.__name__}(layout={self.layout!r})'


@TRANSFORMS.register_module()
class IKEMPreNormalize(_PaperPreNormalize):
    """IKEM's (CrosSCLR) pre-normalisation: per-body, per-frame centring on the
    neck joint, the valid frames resized to ``clip_len``, and a per-frame
    rotation about y that turns the shoulder line to the x axis.

    Required keys: ``keypoint`` (M, T, V, 3). ``total_frames`` (the raw length,
    IKEM's time scale) is left as it is.
    Modified keys: ``keypoint`` -> (M, clip_len, V, 3).
    Added keys: ``pre_normalized``.

    Args:
        clip_len (int): output frames. Defaults to 50 (IKEM).
        layout (str): skeleton layout. Defaults to ``'nturgb+d'``.
    """
    method = 'ikem'

    def __init__(self, clip_len: int = 50, layout: str = 'nturgb+d'):
        super().__init__(layout)
        self.clip_len = clip_len

    def _apply(self, keypoint):
        return ikem_pre_normalize(keypoint, self.layout, self.clip_len)

    def transform(self, results):
        results = super().transform(results)
        frames = results['keypoint'].shape[1]
        if frames != self.clip_len:  # only a pickle normalised elsewhere can get here
            raise ValueError(f"sample {results.get('frame_dir', '?')!r}: pre-normalised "
                             f'(ikem) with {frames} frames, the pipeline expects '
                             f'clip_len={self.clip_len}')
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(clip_len={self.clip_len}, layout={self.layout!r})'
