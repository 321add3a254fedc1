"""IKEM's Implicit Knowledge Exchange Module (docs/method_ikem.md)."""
import copy
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule, ModuleDict

from mmaction.registry import MODELS
from ..losses.infonce import InfoNCELoss
from ..necks.projection import ProjectionNeck


@MODELS.register_module()
class IKEMModule(BaseModule):
    r"""Each modality predicts the concatenation of *all* modalities' keys.

    Per modality x a predictor ``predictors[x]`` (Linear-ReLU-Linear,
    :class:`ProjectionNeck`) maps the pooled query representation ``h_x`` to
    ``z_x = l2n(predictor_x(h_x))``. The shared target is the same clip's
    concatenated key ``k_cat = l2n([k_1, ..., k_X])``; the negatives are the
    lock-step queues stacked along the feature axis with unit columns,
    ``Q_cat = l2n_cols([Q^1; ...; Q^X])``:

    .. math:: L_x = \mathrm{CE}([z_x\cdot k_{cat},\; z_x^\top Q_{cat}]/\tau,\; 0)

    Only the predictor and the query encoder behind ``h_x`` get gradient;
    keys and queues are constants (momentum encoders).

    Args:
        modalities (Sequence[str]): the modalities, in concatenation order.
        in_channels (int): representation width. Defaults to 256 (ST-GCN).
        hid_channels (int, optional): predictor hidden width; None = output
            width (IKEM: 768 for six modalities).
        out_channels (int, optional): concatenated key width; None =
            ``feat_dim * len(modalities)``.
        feat_dim (int): per-modality key width. Defaults to 128.
        temperature (float): tau. Defaults to 0.07.

    Inputs of ``forward``: ``feats[x]`` ``(N, in_channels)``, ``keys[x]``
    ``(N, feat_dim)`` (normalised), ``queues[x]`` ``(feat_dim, K)``.
    Returns ``{'loss_ikem_<x>': scalar}``.
    """

    def __init__(self,
                 modalities: Sequence[str],
                 in_channels: int = 256,
                 hid_channels: Optional[int] = None,
                 out_channels: Optional[int] = None,
                 feat_dim: int = 128,
                 temperature: float = 0.07,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(modalities, str) or not modalities:
            raise ValueError(f'IKEMModule: modalities must be a non-empty sequence, '
                             f'got {modalities!r}')
        self.modalities = tuple(modalities)
        out_channels = out_channels or feat_dim * len(self.modalities)
        hid_channels = hid_channels or out_channels
        head = ProjectionNeck(in_channels, out_channels, hid_channels)
        self.predictors = ModuleDict({m: copy.deepcopy(head) for m in self.modalities})
        self.nce = InfoNCELoss(temperature)

    def concat_keys(self, keys: Dict[str, torch.Tensor],
                    queues: Dict[str, torch.Tensor]):
        """``(k_cat (N, X*d), Q_cat (X*d, K))``, both with unit rows/columns."""
        missing = [m for m in self.modalities if m not in keys or m not in queues]
        if missing:
            raise ValueError(f'IKEMModule: keys/queues missing for modalities {missing}')
        k_cat = F.normalize(torch.cat([keys[m] for m in self.modalities], dim=1), dim=1)
        q_cat = F.normalize(torch.cat([queues[m] for m in self.modalities], dim=0), dim=0)
        return k_cat.detach(), q_cat.detach()

    def forward(self, feats: Dict[str, torch.Tensor], keys: Dict[str, torch.Tensor],
                queues: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        k_cat, q_cat = self.concat_keys(keys, queues)
        losses = {}
        for m in self.modalities:
            if m not in feats:
                raise ValueError(f'IKEMModule: no representation for modality {m!r}')
            z = F.normalize(self.predictors[m](feats[m]), dim=1)
            losses[f'loss_ikem_{m}'] = self.nce(z, k_cat, q_cat)[0]
        return losses
