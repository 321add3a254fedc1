"""Two (or more) independently augmented views of one clip for contrastive learning."""
import copy

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MultiView(BaseTransform):
    """Run ``transforms`` independently on ``num_views`` copies of the sample.

    Every view must end with the same ``(M, T', V, C)`` keypoint shape. Views
    are concatenated along time and ``num_clips`` is set to ``num_views``, so
    mmaction2's ``FormatGCNInput`` reshapes them to ``(num_views, M, T', V, C)``
    and the packed ``inputs`` of a sample are ``(num_views, M, T', V, C)``
    (view 0 = query, view 1 = key).

    Required keys: ``keypoint`` (M, T, V, C) and whatever ``transforms`` need.
    Modified keys: ``keypoint`` → (M, num_views·T', V, C). Added: ``num_clips``.
    """

    def __init__(self, transforms, num_views: int = 2):
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        self.transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in transforms]
        self.num_views = num_views

    def _one_view(self, results):
        view = copy.deepcopy(results)
        for t in self.transforms:
            view = t(view)
        return view['keypoint']

    def transform(self, results):
        views = [self._one_view(results) for _ in range(self.num_views)]
        shapes = {v.shape for v in views}
        if len(shapes) != 1:
            raise ValueError(f'MultiView: views differ in shape {shapes}; end the view '
                             'transforms with a fixed-length temporal resize')
        results['keypoint'] = np.concatenate(views, axis=1)
        results['num_clips'] = self.num_views
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(num_views={self.num_views}, transforms={self.transforms})'
