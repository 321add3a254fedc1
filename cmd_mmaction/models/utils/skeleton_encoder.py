"""One modality's encoder: backbone -> optional pooling neck -> projection head."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModule

from mmaction.registry import MODELS


class SkeletonEncoder(BaseModule):
    """Backbone, pooling neck and projection head of one contrastive branch.

    The *representation* (``represent``) is the backbone output, pooled by
    ``neck`` when the backbone keeps a spatio-temporal layout (``STGCN``);
    it is what kNN/linear evaluation and downstream models use. ``forward``
    adds the projection ``head`` (dropped downstream).

    State-dict keys: ``backbone.*``, ``neck.*``, ``head.*``.

    Args:
        backbone (dict): backbone config (``BiGRU``, mmaction2 ``STGCN``...).
        neck (dict, optional): pooling to ``(N, D)``, e.g.
            ``SkeletonGlobalPool`` for ``STGCN``; None when the backbone
            already returns ``(N, D)``.
        head (dict, optional): projection, e.g. ``ProjectionNeck``.

    Shapes:
        input ``(N, M, T, V, C)``; ``represent`` ``(N, D)``; ``forward``
        ``(N, feat_dim)`` (or ``(N, D)`` without head).
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Optional[Dict] = None,
                 head: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head) if head is not None else None

    def represent(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.backbone(x)
        if self.neck is not None:
            feat = self.neck(feat)
        if feat.dim() != 2:
            raise ValueError(
                f'{type(self.backbone).__name__} output has shape {tuple(feat.shape)}; '
                'the representation must be (N, D): add a pooling neck, e.g. '
                "neck=dict(type='SkeletonGlobalPool') for STGCN")
        return feat

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.represent(x)
        return self.head(feat) if self.head is not None else feat
