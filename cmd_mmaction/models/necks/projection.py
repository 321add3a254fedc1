"""Projection head of contrastive pretraining (docs/method_cmd.md, docs/method_ikem.md)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmaction.registry import MODELS


@MODELS.register_module()
class ProjectionNeck(BaseModule):
    """``Linear-ReLU-Linear`` (or a single ``Linear``) from representation to embedding.

    The layers live in ``mlp`` (``mlp.0``, ``mlp.2``; ``mlp.0`` alone without a
    hidden layer), mirroring the official ``fc.0``/``fc.2`` (``fc``) keys.
    Downstream models drop this part and keep the representation.

    Args:
        in_channels (int): representation width (2048 BiGRU, 256 ST-GCN).
        out_channels (int): embedding width. Defaults to 128.
        hid_channels (int, optional): hidden width; None = ``in_channels``.
        with_hidden (bool): Linear-ReLU-Linear if True (official ``--mlp``),
            one Linear if False. Defaults to True.
        official_init (bool): xavier-uniform on the *last* Linear's weight,
            as the official CMD code (its init ran before the MLP replaced the
            original ``fc``, so only that last layer was xavier-initialised);
            all other tensors keep PyTorch defaults. Defaults to False.
        init_cfg (dict or list[dict], optional): mmengine init config, applied
            after the default init.

    Shapes:
        input: ``(N, in_channels)``; output: ``(N, out_channels)``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 128,
                 hid_channels: Optional[int] = None,
                 with_hidden: bool = True,
                 official_init: bool = False,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.official_init = official_init
        if with_hidden:
            hid_channels = hid_channels or in_channels
            self.mlp = nn.Sequential(nn.Linear(in_channels, hid_channels), nn.ReLU(inplace=True),
                                     nn.Linear(hid_channels, out_channels))
        else:
            self.mlp = nn.Sequential(nn.Linear(in_channels, out_channels))

    def init_weights(self) -> None:
        if self.official_init:
            nn.init.xavier_uniform_(self.mlp[-1].weight)
        super().init_weights()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp(x)
