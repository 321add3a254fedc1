"""IKEM stage A: six-modality teacher (CrosSCLR-style + IKEM module, docs/method_ikem.md)."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.logging import MessageHub

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...skeleton.modalities import MODALITIES
from .multimodal_moco import MultiModalMoCo

# key encoders the official code stops updating once the cross phase starts
OFFICIAL_FROZEN_KEYS = ('joint', 'bone', 'axis')


@MODELS.register_module()
class IKEMTeacher(MultiModalMoCo):
    """Six MoCo branches, then cross-modal mining plus implicit knowledge exchange.

    Modalities are computed in the model from the joints of both views (layout
    ``nturgb+d-ikem6``, true-timeline scale ``s = time_scale_frames / raw
    length``). One step:

    1. ``h_x = encoder_q[x].represent(x(view 0))``, ``q_x = l2n(neck(h_x))``;
    2. momentum-update the key encoders (all of them; with
       ``official_momentum_bug=True`` joint/bone/axis stop in stage 2, as the
       official code);
    3. ``k_x = l2n(encoder_k[x](x(view 1)))`` without gradient;
    4. stage 1 (0-based epoch ``< cross_epoch``): ``loss_moco_<x>`` =
       ``head`` (InfoNCE) of q_x, k_x, Q^x; stage 2: ``loss_cross_<x>`` = mean
       over ``y != x`` of ``cross_head`` (:class:`MultiPositiveNCELoss`:
       positive ``q_x.k_x``, negatives ``q_x.Q^x``, top-k positives mined and
       context weighted by ``q_y.Q^y``) and ``loss_ikem_<x>`` from ``ikem``
       (:class:`IKEMModule`);
    5. enqueue every ``k_x`` (gathered over ranks).

    Args:
        backbone, neck, head, pool: see :class:`MultiModalMoCo`.
        cross_head (dict): the stage-2 loss. Defaults to
            ``MultiPositiveNCELoss(temperature=0.07, topk=1, context=True)``.
        ikem (dict, optional): :class:`IKEMModule` config; ``modalities`` and
            ``feat_dim`` are filled in. None = no IKEM term (CrosSCLR).
        modalities (Sequence[str]): at least two. Defaults to all six.
        layout (str): Defaults to ``'nturgb+d-ikem6'`` (IKEM's 6-view bones).
        queue_len (int): K. Defaults to 32768.
        momentum (float): Defaults to 0.999.
        cross_epoch (int): number of plain-MoCo epochs: the cross/IKEM losses
            run from 0-based epoch ``cross_epoch`` on (0 = from the start). The
            official loop hands its train step 1-based epochs and tests
            ``epoch <= cross_epoch``, so with 150 its epochs 0..149 are MoCo
            only; the same here. Read from mmengine's ``MessageHub``.
            Defaults to 150.
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
        shuffle_bn, data_preprocessor, init_cfg: see :class:`MultiModalMoCo`.

    Inputs: ``(N, 2, M, T, V, C)`` joints (two views) and data samples with
    ``total_frames`` in their meta (unless ``time_scale_frames=None``).
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Dict,
                 head: Dict = dict(type='InfoNCELoss', temperature=0.07),
                 pool: Optional[Dict] = None,
                 cross_head: Dict = dict(type='MultiPositiveNCELoss', temperature=0.07, topk=1,
                                         context=True),
                 ikem: Optional[Dict] = dict(type='IKEMModule'),
                 modalities: Sequence[str] = MODALITIES,
                 layout: str = 'nturgb+d-ikem6',
                 queue_len: int = 32768,
                 momentum: float = 0.999,
                 cross_epoch: int = 150,
                 time_scale_frames: Optional[int] = 50,
                 official_momentum_bug: bool = False,
                 official_key_init: bool = False,
                 shuffle_bn: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(backbone, neck, head=head, pool=pool, modalities=modalities,
                         layout=layout, queue_len=queue_len, momentum=momentum,
                         time_scale_frames=time_scale_frames, shuffle_bn=shuffle_bn,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if len(self.modalities) < 2:
            raise ValueError('IKEMTeacher: the cross-modal stage needs at least two modalities, '
                             f'got {self.modalities}')
        if not isinstance(cross_epoch, int) or cross_epoch < 0:
            raise ValueError(f'IKEMTeacher: cross_epoch must be an int >= 0 (0 = cross-modal '
                             f'losses from the start), got {cross_epoch!r}')
        self.cross_epoch = cross_epoch
        self.official_momentum_bug = official_momentum_bug
        self.official_key_init = official_key_init
        self.cross_head = MODELS.build(cross_head)
        self.ikem = None
        if ikem is not None:
            ikem = dict(ikem)
            ikem.setdefault('modalities', self.modalities)
            ikem.setdefault('feat_dim', self.encoder_q[self.modalities[0]].out_channels)
            self.ikem = MODELS.build(ikem)

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

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """Stage 1: ``loss_moco_<x>``, ``acc_moco_<x>``; stage 2: ``loss_cross_<x>``,
        ``loss_ikem_<x>``."""
        self.check_inputs(inputs, 2)
        scale = self.time_scale(inputs, data_samples)
        views = {m: self.modality(m, inputs[:, :2], scale) for m in self.modalities}
        feats = {m: self.encoder_q[m].represent(views[m][:, 0]) for m in self.modalities}
        q = {m: self.embed(m, feats[m]) for m in self.modalities}
        cross = self.cross_active()
        self.update_keys(skip=OFFICIAL_FROZEN_KEYS if cross and self.official_momentum_bug
                         else ())
        k = self.encode_keys(views)
        queue = self.snapshot_queues()

        if not cross:
            losses = self.moco_losses(q, k, queue)
        else:
            losses = {}
            pos = {m: (q[m] * k[m]).sum(dim=1) for m in self.modalities}
            neg = {m: q[m] @ queue[m] for m in self.modalities}
            for x in self.modalities:
                terms = [self.cross_head(pos[x], neg[x], neg[y])
                         for y in self.modalities if y != x]
                losses[f'loss_cross_{x}'] = sum(terms) / len(terms)
            if self.ikem is not None:
                losses.update(self.ikem(feats, k, queue))
        self.enqueue(k)
        return losses
