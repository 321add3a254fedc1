"""Linear classifier on a pooled (N, D) representation (docs/method_cmd.md, docs/protocols.md)."""
from typing import Dict, Optional

import torch
import torch.nn as nn

from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS


@MODELS.register_module()
class LinearClsHead(BaseHead):
    """One ``Linear(in_channels, num_classes)`` on an already pooled feature.

    For backbones that return a vector per clip (``BiGRU``: ``(N, 2*hidden)``),
    unlike mmaction2's ``GCNHead`` which pools an ``(N, M, C, T, V)`` map. The
    official CMD downstream classifier: weight ~ N(0, ``init_std``), bias 0.

    Args:
        num_classes (int): number of classes.
        in_channels (int): feature width D.
        loss_cls (dict): classification loss. Defaults to CrossEntropyLoss.
        dropout (float): dropout before the classifier. Defaults to 0.
        init_std (float): std of the weight init. Defaults to 0.01.
        kwargs: passed to ``BaseHead`` (e.g. ``average_clips``, ``topk``).

    Shapes:
        input: ``(N * num_clips, D)``.
        output: class scores ``(N * num_clips, num_classes)``.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 dropout: float = 0.0,
                 init_std: float = 0.01,
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        super().__init__(num_classes, in_channels, loss_cls, init_cfg=init_cfg, **kwargs)
        self.init_std = init_std
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(in_channels, num_classes)

    def init_weights(self) -> None:
        """N(0, init_std) weight and zero bias, then ``init_cfg`` (if any)."""
        nn.init.normal_(self.fc.weight, 0.0, self.init_std)
        nn.init.zeros_(self.fc.bias)
        super().init_weights()

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """(N, D) -> (N, num_classes)."""
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            raise ValueError(f'LinearClsHead expects (N, {self.in_channels}) features, '
                             f'got {tuple(x.shape)}')
        return self.fc(self.dropout(x))
