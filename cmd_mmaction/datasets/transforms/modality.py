"""CPU-side modality transform (mmaction2's ``GenSkeFeat`` habit).

It wraps :mod:`cmd_mmaction.skeleton.modalities`, the same functions the models
call on the device, so each formula exists once.
"""
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from ...skeleton.modalities import canonical_name, compute_modality


@TRANSFORMS.register_module()
class GenModality(BaseTransform):
    """Replace ``keypoint`` by one modality or the concatenation of several.

    Required keys: ``keypoint`` (M, T, V, 3); with ``time_scale_frames`` also
    ``total_frames`` (IKEM: ``s = time_scale_frames / total_frames``).
    Modified keys: ``keypoint`` → (M, T, V, 3·len(modalities)).

    Args:
        modalities (list[str]): names from ``MODALITIES``. Defaults to ['joint'].
        layout (str): skeleton layout. Defaults to 'nturgb+d'.
        time_scale_frames (int | None): IKEM true-timeline numerator (50) or None.
    """

    def __init__(self, modalities=('joint', ), layout='nturgb+d', time_scale_frames=None):
        self.modalities = [canonical_name(m) for m in modalities]
        self.layout = layout
        self.time_scale_frames = time_scale_frames

    def transform(self, results):
        x = torch.from_numpy(np.ascontiguousarray(results['keypoint'], dtype=np.float32))
        scale = None
        if self.time_scale_frames is not None:
            scale = torch.tensor(self.time_scale_frames / float(results['total_frames']))
        feats = [compute_modality(m, x, self.layout, scale) for m in self.modalities]
        results['keypoint'] = torch.cat(feats, dim=-1).numpy()
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(modalities={self.modalities}, layout={self.layout!r}, '
                f'time_scale_frames={self.time_scale_frames})')
