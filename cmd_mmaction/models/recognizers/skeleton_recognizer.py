"""mmaction2's ``RecognizerGCN`` that computes its stream from the joints (and can
freeze its encoder for linear evaluation)."""
import copy
from typing import Optional, Sequence

import torch

from mmaction.models.recognizers import RecognizerGCN
from mmaction.registry import MODELS
from ...skeleton.modalities import canonical_name, compute_modality


@MODELS.register_module()
class SkeletonRecognizer(RecognizerGCN):
    """``RecognizerGCN`` on one stream of joint inputs, optionally with frozen parts.

    * **Stream in the model.** The data pipeline delivers joints; the recognizer
      computes ``modality`` (joint, motion, bone, ... with ``layout``) from the
      cropped clip before its backbone, with the same functions as the
      pretraining models and ``MultiStreamRecognizer``, so a config picks the
      stream with one value.
    * **Pretrained encoder.** ``pretrained`` (a CMD/IKEM checkpoint) loads the
      backbone strictly from the keys under ``pretrained_prefix`` (``PretrainedEncoder``
      init, which names what it loaded and refuses a wrong architecture); the
      prefix may name the stream as ``{modality}``, so it follows the stream.
      (Like ``pretrained`` of mmpretrain's ``ImageClassifier``.)
    * **Frozen parts** (linear evaluation, ``frozen=('backbone',)``): their
      parameters get ``requires_grad=False`` and ``train()`` keeps them in eval
      mode (BatchNorm uses its running statistics, dropout is off), as the
      official linear protocols; only the classifier learns.

    State-dict keys are those of ``RecognizerGCN`` (``backbone.*``,
    ``cls_head.*``), so checkpoints load into stock mmaction2 models (which
    then need the stream computed in their pipeline, e.g. ``GenModality``).

    Args:
        modality (str): the stream. Defaults to ``'joint'``.
        pretrained (str, optional): checkpoint of the backbone; None: the
            backbone's own ``init_cfg`` (random init unless it names one).
        pretrained_prefix (str): key prefix of the backbone in ``pretrained``.
            Defaults to ``'encoder_q.{modality}.backbone.'``.
        layout (str): skeleton layout of the modality functions.
            Defaults to ``'nturgb+d'``.
        frozen (Sequence[str]): names of direct submodules to freeze.
            Defaults to ``()``.
        **kwargs: ``RecognizerGCN`` arguments (backbone, cls_head, ...).

    Inputs: joints ``(N, num_clips, M, T, V, C)`` like ``RecognizerGCN``.
    """

    def __init__(self, modality: str = 'joint', layout: str = 'nturgb+d',
                 frozen: Sequence[str] = (), backbone=None, pretrained: Optional[str] = None,
                 pretrained_prefix: str = 'encoder_q.{modality}.backbone.', **kwargs) -> None:
        self.modality = canonical_name(modality)
        self.layout = layout
        if pretrained is not None:
            backbone = dict(copy.deepcopy(backbone), init_cfg=dict(
                type='PretrainedEncoder', checkpoint=pretrained,
                prefix=pretrained_prefix.format(modality=self.modality)))
        super().__init__(backbone=backbone, **kwargs)
        if isinstance(frozen, str):
            frozen = (frozen, )
        for name in frozen:
            if not isinstance(getattr(self, name, None), torch.nn.Module):
                raise ValueError(f'SkeletonRecognizer: frozen={tuple(frozen)!r} names '
                                 f'{name!r}, which is not a submodule of the recognizer')
        self.frozen = tuple(frozen)
        for name in self.frozen:
            for param in getattr(self, name).parameters():
                param.requires_grad_(False)
        self.train(self.training)

    def train(self, mode: bool = True) -> 'SkeletonRecognizer':
        super().train(mode)
        for name in getattr(self, 'frozen', ()):
            getattr(self, name).eval()
        return self

    def stream(self, inputs: torch.Tensor) -> torch.Tensor:
        """The recognizer's stream of joints ``(..., T, V, C)``."""
        return compute_modality(self.modality, inputs, self.layout)

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'backbone', **kwargs):
        inputs = self.stream(inputs)
        if 'backbone' not in self.frozen:
            return super().extract_feat(inputs, stage=stage, **kwargs)
        with torch.no_grad():  # no activations kept for a backward that never comes
            feat, kw = super().extract_feat(inputs, stage='backbone', **kwargs)
        if stage == 'head' and self.with_cls_head:
            return self.cls_head(feat, **kw), kw
        return feat, kw
