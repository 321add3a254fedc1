"""mmaction2's ``RecognizerGCN`` with frozen, eval-mode parts (linear evaluation)."""
from typing import Sequence

import torch

from mmaction.models.recognizers import RecognizerGCN
from mmaction.registry import MODELS


@MODELS.register_module()
class FrozenRecognizerGCN(RecognizerGCN):
    """``RecognizerGCN`` whose ``frozen`` submodules never train.

    CMD/IKEM linear evaluation (METHODS.md §7): the pretrained encoder is
    frozen *and* kept in eval mode during training (BatchNorm uses its
    running statistics, dropout is off); only the classifier learns. Frozen
    parameters get ``requires_grad=False`` (so optimizers skip them and no
    backward runs through the encoder) and ``train()`` leaves the frozen
    modules in eval mode. State-dict keys are those of ``RecognizerGCN``
    (``backbone.*``, ``cls_head.*``), so checkpoints load into stock
    mmaction2 models.

    Args:
        frozen (Sequence[str]): names of direct submodules to freeze.
            Defaults to ``('backbone',)``.
        **kwargs: ``RecognizerGCN`` arguments (backbone, cls_head, ...).

    Inputs: ``(N, num_clips, M, T, V, C)`` like ``RecognizerGCN``.
    """

    def __init__(self, frozen: Sequence[str] = ('backbone', ), **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(frozen, str):
            frozen = (frozen, )
        for name in frozen:
            if not isinstance(getattr(self, name, None), torch.nn.Module):
                raise ValueError(f'FrozenRecognizerGCN: frozen={tuple(frozen)!r} names '
                                 f'{name!r}, which is not a submodule of the recognizer')
        self.frozen = tuple(frozen)
        for name in self.frozen:
            for param in getattr(self, name).parameters():
                param.requires_grad_(False)
        self.train(self.training)

    def train(self, mode: bool = True) -> 'FrozenRecognizerGCN':
        super().train(mode)
        for name in getattr(self, 'frozen', ()):
            getattr(self, name).eval()
        return self

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'backbone', **kwargs):
        if 'backbone' not in self.frozen:
            return super().extract_feat(inputs, stage=stage, **kwargs)
        with torch.no_grad():  # no activations kept for a backward that never comes
            feat, kw = super().extract_feat(inputs, stage='backbone', **kwargs)
        if stage == 'head' and self.with_cls_head:
            return self.cls_head(feat, **kw), kw
        return feat, kw
