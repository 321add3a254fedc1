"""The base of every self-supervised skeleton model (after mmpretrain's BaseSelfSupervisor)."""
from abc import ABCMeta, abstractmethod
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModel

from mmaction.structures import ActionDataSample
from ...skeleton.layouts import get_layout
from ...skeleton.modalities import canonical_name, compute_modality
from ...structures import feat_field
from ..utils.data_preprocessor import build_data_preprocessor


def true_timeline_scale(data_samples: Optional[Sequence[ActionDataSample]], frames: Optional[int],
                        num: int, like: torch.Tensor) -> Optional[torch.Tensor]:
    """IKEM's per-sample ``s = frames / raw length`` (``(N,)``), or None when ``frames`` is None.

    The raw length is ``raw_total_frames`` when the sample has it (arrays imported
    already resampled, ``tools/data/import_preprocessed.py``), else ``total_frames``
    (our pipelines resample after loading, so it is the raw length), carried in the
    data samples' meta (``PackActionInputs(meta_keys=(..., 'total_frames',
    'raw_total_frames'))``).
    """
    if frames is None:
        return None
    totals = [None if s is None else s.metainfo.get('raw_total_frames',
                                                    s.metainfo.get('total_frames'))
              for s in (data_samples or [None] * num)]
    if len(totals) != num or any(t is None or t <= 0 for t in totals):
        raise ValueError(f'true-timeline scaling (time_scale_frames={frames}) needs a positive '
                         "'total_frames' in every data sample's meta: add it to PackActionInputs"
                         ' meta_keys, or set time_scale_frames=None')
    return frames / torch.tensor(totals, dtype=like.dtype, device=like.device)


def check_modalities(modalities: Union[str, Sequence[str]], owner: str) -> Tuple[str, ...]:
    """Canonical, distinct modality names (aliases such as ``'j'`` mapped)."""
    if isinstance(modalities, str):
        modalities = (modalities, )
    if not modalities:
        raise ValueError(f'{owner}: modalities must name at least one modality')
    checked = []
    for name in modalities:
        try:
            checked.append(canonical_name(name))
        except ValueError as err:
            raise ValueError(f'{owner}: {err}') from None
    if len(set(checked)) != len(checked):
        raise ValueError(f'{owner}: modalities contain duplicates: {tuple(modalities)}')
    return tuple(checked)


class BaseSkeletonSelfSupervisor(BaseModel, metaclass=ABCMeta):
    """What every self-supervised skeleton model shares.

    Inputs are joints ``(N, num_clips, M, T, V, C)`` (clip 0 = query view,
    clip 1 = key view during training); every modality is computed inside the
    model with :func:`compute_modality` (``layout``; IKEM's true-timeline scale
    when ``time_scale_frames`` is set). Subclasses implement :meth:`loss` and
    name their per-modality encoders in :attr:`encoders`; the base gives the
    representation of a modality (:meth:`extract_feat`), ``predict`` (one
    ``feat_<modality>`` field per sample, what ``KNNMetric`` reads) and the
    ``forward`` modes.

    Args:
        modalities (Sequence[str]): the encoded modalities.
        layout (str): skeleton layout of the modality functions.
        time_scale_frames (int, optional): numerator of IKEM's true-timeline
            scale ``s = time_scale_frames / raw length``; None: ``s = 1``.
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.
        init_cfg (dict or list[dict], optional): mmengine init config.
    """

    def __init__(self,
                 modalities: Sequence[str],
                 layout: str = 'nturgb+d',
                 time_scale_frames: Optional[int] = None,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(data_preprocessor=build_data_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)
        self.modalities = check_modalities(modalities, type(self).__name__)
        get_layout(layout)  # unknown layouts fail here, not at the first batch
        self.layout = layout
        self.time_scale_frames = time_scale_frames

    @property
    @abstractmethod
    def encoders(self):
        """``{modality: SkeletonEncoder}`` whose representations ``predict`` reports."""

    @abstractmethod
    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """One training step's named losses (and logged accuracies)."""

    # ------------------------------------------------------------------ helpers
    def check_inputs(self, inputs: torch.Tensor, min_clips: int) -> None:
        if inputs.dim() != 6 or inputs.shape[1] < min_clips:
            raise ValueError(f'{type(self).__name__} expects inputs (N, num_clips>={min_clips}, '
                             f'M, T, V, C), got {tuple(inputs.shape)}')

    def time_scale(self, inputs: torch.Tensor,
                   data_samples: Optional[Sequence[ActionDataSample]]) -> Optional[torch.Tensor]:
        return true_timeline_scale(data_samples, self.time_scale_frames, inputs.shape[0], inputs)

    def modality(self, name: str, x: torch.Tensor,
                 time_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Modality ``name`` of joints ``(..., T, V, C)``; same shape."""
        return compute_modality(name, x, self.layout, time_scale)

    # ------------------------------------------------------------------ modes
    def extract_feat(self, inputs: torch.Tensor, modality: str = 'joint',
                     data_samples: Optional[Sequence[ActionDataSample]] = None) -> torch.Tensor:
        """Representation ``(N, D)`` of clip 0 by the encoder of ``modality``.

        Args:
            inputs: joints ``(N, M, T, V, C)`` or ``(N, num_clips, M, T, V, C)``.
            data_samples: needed (``total_frames``) when ``time_scale_frames`` is set.
        """
        if modality not in self.encoders:
            raise ValueError(f'{type(self).__name__}.extract_feat: modality {modality!r} is not '
                             f'one of {tuple(self.encoders)}')
        if inputs.dim() == 6:
            inputs = inputs[:, 0]
        x = self.modality(modality, inputs, self.time_scale(inputs, data_samples))
        return self.encoders[modality].represent(x)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None
                ) -> List[ActionDataSample]:
        """Store ``feat_<modality>`` (``(D,)``, clip 0) of every encoded modality."""
        self.check_inputs(inputs, 1)
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(inputs.shape[0])]
        for name, feat in zip(self.encoders, self._forward(inputs, data_samples)):
            for sample, f in zip(data_samples, feat.detach()):
                sample.set_field(f, feat_field(name))
        return data_samples

    def _forward(self, inputs: torch.Tensor,
                 data_samples: Optional[List[ActionDataSample]] = None
                 ) -> Tuple[torch.Tensor, ...]:
        """Representations ``(N, D)`` of clip 0, one per encoded modality (in order)."""
        return tuple(self.extract_feat(inputs, name, data_samples) for name in self.encoders)

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        raise ValueError(f'{type(self).__name__}: invalid mode {mode!r}; '
                         'use loss, predict or tensor')
