"""One modality's encoder: backbone -> optional pooling -> projection neck."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModule

from mmaction.registry import MODELS


class SkeletonEncoder(BaseModule):
    """Backbone, pooling and projection neck of one contrastive branch.

    The *representation* (``represent``) is the backbone output, pooled by
    ``pool`` when the backbone keeps a spatio-temporal layout (``STGCN``); it is
    what kNN/linear evaluation and downstream models use. ``forward`` adds the
    projection ``neck`` (mmpretrain's naming: the MLP after the backbone is a
    neck, the loss lives in the model's head), which downstream models drop.

    State-dict keys: ``backbone.*``, ``neck.*`` (the pooling has no weights).
    Checkpoints written before the projection moved from ``head`` to ``neck``
    (``head.*`` keys) still load: the keys are renamed while loading.

    Args:
        backbone (dict): backbone config (``BiGRU``, mmaction2 ``STGCN``...).
        neck (dict, optional): projection to the embedding, e.g. ``ProjectionNeck``.
        pool (dict, optional): pooling to ``(N, D)``, e.g. ``SkeletonGlobalPool``
            for ``STGCN``; None when the backbone already returns ``(N, D)``.

    Shapes:
        input ``(N, M, T, V, C)``; ``represent`` ``(N, D)``; ``forward``
        ``(N, out_channels)`` (``(N, D)`` without a neck).
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Optional[Dict] = None,
                 pool: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.pool = MODELS.build(pool) if pool is not None else None
        self.neck = MODELS.build(neck) if neck is not None else None

    @property
    def out_channels(self) -> int:
        """Width of ``forward``'s output (the projection's ``out_channels``)."""
        width = getattr(self.neck, 'out_channels', None)
        if width is None:
            raise ValueError(f'{type(self).__name__}: the embedding width is unknown; give a '
                             'neck with out_channels, e.g. ProjectionNeck')
        return width

    def represent(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.backbone(x)
        if self.pool is not None:
            feat = self.pool(feat)
        if feat.dim() != 2:
            raise ValueError(
                f'{type(self.backbone).__name__} output has shape {tuple(feat.shape)}; '
                'the representation must be (N, D): add a pooling, e.g. '
                "pool=dict(type='SkeletonGlobalPool') for STGCN")
        return feat

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.represent(x)
        return self.neck(feat) if self.neck is not None else feat

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        legacy = prefix + 'head.'
        for key in [k for k in state_dict if k.startswith(legacy)]:
            state_dict[prefix + 'neck.' + key[len(legacy):]] = state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
