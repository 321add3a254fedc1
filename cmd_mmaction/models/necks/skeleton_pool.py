"""Global pooling of graph-convolution features (docs/method_ikem.md, Encoder)."""
import torch
from mmengine.model import BaseModule

from mmaction.registry import MODELS


@MODELS.register_module()
class SkeletonGlobalPool(BaseModule):
    """Average an ``STGCN`` output over frames and joints, then over persons.

    Same pooling as mmaction2's ``GCNHead`` (and the IKEM/CrosSCLR ST-GCN),
    without the classifier, so a pretraining projection head can follow.

    Shapes:
        input: ``(N, M, C, T, V)`` (mmaction2 ``STGCN`` output).
        output: ``(N, C)``.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 5:
            raise ValueError('SkeletonGlobalPool expects (N, M, C, T, V) features, '
                             f'got shape {tuple(x.shape)}')
        return x.mean(dim=(3, 4)).mean(dim=1)
