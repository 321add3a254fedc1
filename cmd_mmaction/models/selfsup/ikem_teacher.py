"""IKEM stage A: six-modality teacher (CrosSCLR-style + IKEM module, METHODS.md §5.1)."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...skeleton.modalities import MODALITIES, compute_modality
from ..losses import MultiPositiveNCELoss
from ..utils import SkeletonEncoder
from .cmd import CMD

# key encoders the official code stops updating once the cross phase starts (§9 pitfall 14)
OFFICIAL_FROZEN_KEYS = ('joint', 'bone', 'axis')


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


def embed(encoder: SkeletonEncoder, feat: torch.Tensor) -> torch.Tensor:
    """L2-normalised projection of a representation (the head, when there is one)."""
    return F.normalize(encoder.head(feat) if encoder.head is not None else feat, dim=1)


@MODELS.register_module()
class IKEMTeacher(CMD):
    """Six MoCo branches, then cross-modal mining plus implicit knowledge exchange.

    Built from CMD's pieces (``encoder_q[x]``, momentum ``encoder_k[x]``,
    lock-step ``queues[x]``); modalities are computed in the model from the
    joints of both views (layout ``nturgb+d-ikem6``, true-timeline scale
    ``s = time_scale_frames / total_frames``). One step:

    1. ``h_x = encoder_q[x].represent(x(view 0))``, ``q_x = l2n(head(h_x))``;
    2. momentum-update the key encoders (all of them; with
       ``official_momentum_bug=True`` joint/bone/axis stop in stage 2, as the
       official code);
    3. ``k_x = l2n(encoder_k[x](x(view 1)))`` without gradient;
    4. stage 1 (0-based epoch ``< cross_epoch``): ``loss_moco_<x>`` =
       InfoNCE(q_x, k_x, Q^x); stage 2: ``loss_cross_<x>`` = mean over
       ``y != x`` of :class:`MultiPositiveNCELoss` (positive ``q_x.k_x``,
       negatives ``q_x.Q^x``, top-k positives mined and context weighted by
       ``q_y.Q^y``) and ``loss_ikem_<x>`` from the :class:`IKEMModule`;
    5. enqueue every ``k_x`` (gathered over ranks).

    Args:
        backbone, head, neck (dict): per-modality encoder, as :class:`CMD`.
        modalities (Sequence[str]): at least two. Defaults to all six.
        layout (str): Defaults to ``'nturgb+d-ikem6'`` (IKEM's 6-view bones).
        queue_len (int): K. Defaults to 32768.
        feat_dim (int): key width. Defaults to 128.
        momentum (float): Defaults to 0.999.
        temperature (float): tau of every loss. Defaults to 0.07.
        topk (int): mined positives. Defaults to 1.
        context (bool): context block of the cross loss. Defaults to True.
        cross_epoch (int): number of plain-MoCo epochs: the cross/IKEM losses
            run from 0-based epoch ``cross_epoch`` on (0 = from the start). The
            official loop hands its train step 1-based epochs and tests
            ``epoch <= cross_epoch``, so with 150 its epochs 0..149 are MoCo
            only; the same here. Read from mmengine's ``MessageHub``.
            Defaults to 150.
        ikem (dict, optional): :class:`IKEMModule` config; ``modalities``,
            ``feat_dim`` and ``temperature`` are filled in. None = no IKEM term
            (CrosSCLR). Defaults to ``dict(type='IKEMModule')``.
        time_scale_frames (int, optional): numerator of the true-timeline
            scale (IKEM: 50); None = ``s = 1``. Defaults to 50.
        official_momentum_bug (bool): reproduce the official code's freezing of
            the joint, bone and rotation-axis key encoders in stage 2 (the
            paper keeps every key encoder momentum-updated). Defaults to False.
        official_key_init (bool): reproduce the official code's independent
            random initialisation of the key encoders (its weight init runs
            after the query->key copy, so queries and keys start different and
            the keys only approach the queries by EMA). Defaults to False: the
            first momentum update copies the query encoders (MoCo's intent).
        shuffle_bn, data_preprocessor, init_cfg: as :class:`CMD`.

    Inputs: ``(N, 2, M, T, V, C)`` joints (two views) and data samples with
    ``total_frames`` in their meta (unless ``time_scale_frames=None``).
    """

    def __init__(self,
                 backbone: Dict,
                 head: Dict,
                 neck: Optional[Dict] = None,
                 modalities: Sequence[str] = MODALITIES,
                 layout: str = 'nturgb+d-ikem6',
                 queue_len: int = 32768,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 temperature: float = 0.07,
                 topk: int = 1,
                 context: bool = True,
                 cross_epoch: int = 150,
                 ikem: Optional[Dict] = dict(type='IKEMModule'),
                 time_scale_frames: Optional[int] = 50,
                 official_momentum_bug: bool = False,
                 official_key_init: bool = False,
                 shuffle_bn: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(backbone, head, neck=neck, modalities=modalities, layout=layout,
                         pairs=(), queue_len=queue_len, feat_dim=feat_dim, momentum=momentum,
                         moco_temp=temperature, topk=topk, shuffle_bn=shuffle_bn,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if len(self.modalities) < 2:
            raise ValueError('IKEMTeacher: the cross-modal stage needs at least two modalities, '
                             f'got {self.modalities}')
        if not isinstance(cross_epoch, int) or cross_epoch < 0:
            raise ValueError(f'IKEMTeacher: cross_epoch must be an int >= 0 (0 = cross-modal '
                             f'losses from the start), got {cross_epoch!r}')
        self.cross_epoch = cross_epoch
        self.official_key_init = official_key_init
        self.time_scale_frames = time_scale_frames
        self.official_momentum_bug = official_momentum_bug
        self.cross_loss = MultiPositiveNCELoss(temperature, topk, context)
        self.ikem = None
        if ikem is not None:
            ikem = dict(ikem)
            ikem.setdefault('modalities', self.modalities)
            ikem.setdefault('feat_dim', feat_dim)
            ikem.setdefault('temperature', temperature)
            self.ikem = MODELS.build(ikem)

    # ------------------------------------------------------------------ helpers
    def cross_active(self) -> bool:
        """Stage 2 from 0-based epoch ``cross_epoch`` on."""
        return MessageHub.get_current_instance().get_info('epoch', 0) >= self.cross_epoch

    def init_weights(self) -> None:
        """Initialise the model. With ``official_key_init`` the key encoders keep
        their own initialisation (the model-level ``IKEMInit`` draws it
        independently of the queries) and the first momentum update averages
        instead of copying."""
        super().init_weights()
        if self.official_key_init:
            for key in self.encoder_k.values():
                key.steps.fill_(1)

    def _modality(self, name: str, x: torch.Tensor,
                  time_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        return compute_modality(name, x, self.layout, time_scale)

    def time_scale(self, inputs: torch.Tensor,
                   data_samples: Optional[Sequence[ActionDataSample]]) -> Optional[torch.Tensor]:
        return true_timeline_scale(data_samples, self.time_scale_frames, inputs.shape[0], inputs)

    # ------------------------------------------------------------------ modes
    def extract_feat(self, inputs: torch.Tensor, modality: str = 'joint',
                     data_samples: Optional[Sequence[ActionDataSample]] = None) -> torch.Tensor:
        """Representation ``(N, D)`` of clip 0 by the query encoder of ``modality``.

        ``data_samples`` (with ``total_frames``) are needed for the
        true-timeline scale unless ``time_scale_frames`` is None.
        """
        if modality not in self.encoder_q:
            raise ValueError(f'IKEMTeacher.extract_feat: modality {modality!r} is not one of '
                             f'{self.modalities}')
        if inputs.dim() == 6:
            inputs = inputs[:, 0]
        x = self._modality(modality, inputs, self.time_scale(inputs, data_samples))
        return self.encoder_q[modality].represent(x)

    def _forward(self, inputs, data_samples=None):
        return tuple(self.extract_feat(inputs, m, data_samples) for m in self.modalities)

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """Stage 1: ``loss_moco_<x>``, ``acc_moco_<x>``; stage 2: ``loss_cross_<x>``,
        ``loss_ikem_<x>``."""
        self._check_inputs(inputs, 2)
        scale = self.time_scale(inputs, data_samples)
        views = {m: self._modality(m, inputs[:, :2], scale) for m in self.modalities}
        feats = {m: self.encoder_q[m].represent(views[m][:, 0]) for m in self.modalities}
        q = {m: embed(self.encoder_q[m], feats[m]) for m in self.modalities}
        cross = self.cross_active()
        for m in self.modalities:
            if not (cross and self.official_momentum_bug and m in OFFICIAL_FROZEN_KEYS):
                self.encoder_k[m].update(self.encoder_q[m])
        k = {m: F.normalize(self._encode_keys(m, views[m][:, 1]), dim=1) for m in self.modalities}
        # snapshots: the queues change in place (enqueue) before backward
        queue = {m: self.queues[m].queue.clone() for m in self.modalities}

        losses = {}
        if not cross:
            for m in self.modalities:
                losses[f'loss_moco_{m}'], losses[f'acc_moco_{m}'] = self.moco_loss(
                    q[m], k[m], queue[m])
        else:
            pos = {m: (q[m] * k[m]).sum(dim=1) for m in self.modalities}
            neg = {m: q[m] @ queue[m] for m in self.modalities}
            for x in self.modalities:
                terms = [self.cross_loss(pos[x], neg[x], neg[y]) for y in self.modalities if y != x]
                losses[f'loss_cross_{x}'] = sum(terms) / len(terms)
            if self.ikem is not None:
                losses.update(self.ikem(feats, k, queue))
        for m in self.modalities:
            self.queues[m].enqueue(k[m])
        return losses
