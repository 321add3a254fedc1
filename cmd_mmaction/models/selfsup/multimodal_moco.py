"""One MoCo branch per skeleton modality, with queues that move in lock-step."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import ModuleDict

from mmaction.registry import MODELS
from ..utils import MomentumEncoder, MomentumQueue, SkeletonEncoder, batch_shuffle, batch_unshuffle
from .base import BaseSkeletonSelfSupervisor


class MultiModalMoCo(BaseSkeletonSelfSupervisor):
    """Per-modality MoCo: the shared part of :class:`CMD` and :class:`IKEMTeacher`.

    For every modality x: a query encoder ``encoder_q[x]`` (backbone -> pool ->
    projection neck), its momentum copy ``encoder_k[x]`` and a queue
    ``queues[x]`` of past keys. All queues are written together, so slot j is
    the same past sample in every modality (what the cross-modal terms rely
    on). ``head`` is the per-modality contrastive loss (``InfoNCELoss``:
    ``loss_moco_<x>``, ``acc_moco_<x>``). Only the query encoders (and the
    subclasses' loss modules) have trainable parameters; key encoders have
    ``requires_grad=False`` and ``TrainableOptimWrapperConstructor`` skips them.

    Args:
        backbone (dict): backbone config, deep-copied per modality.
        neck (dict): projection config (e.g. ``ProjectionNeck``); its
            ``out_channels`` is the key / queue width.
        head (dict): the contrastive loss. Defaults to ``InfoNCELoss(0.07)``.
        pool (dict, optional): pooling to ``(N, D)`` for backbones with a
            spatio-temporal output (``SkeletonGlobalPool`` for ``STGCN``).
        modalities (Sequence[str]): any subset of
            ``cmd_mmaction.skeleton.modalities.MODALITIES`` (aliases allowed).
        layout (str): skeleton layout of the modality functions.
        queue_len (int): K, slots per queue.
        momentum (float): key encoder EMA m.
        time_scale_frames (int, optional): IKEM's true-timeline numerator.
        shuffle_bn (bool): MoCo's batch shuffle across ranks for the key
            encoders. Defaults to False (neither official code has it).
        data_preprocessor, init_cfg: see :class:`BaseSkeletonSelfSupervisor`.
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Dict,
                 head: Dict = dict(type='InfoNCELoss', temperature=0.07),
                 pool: Optional[Dict] = None,
                 modalities: Sequence[str] = ('joint', 'motion', 'bone'),
                 layout: str = 'nturgb+d',
                 queue_len: int = 16384,
                 momentum: float = 0.999,
                 time_scale_frames: Optional[int] = None,
                 shuffle_bn: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(modalities, layout, time_scale_frames, data_preprocessor, init_cfg)
        self.shuffle_bn = shuffle_bn
        self.encoder_q = ModuleDict({
            name: SkeletonEncoder(copy.deepcopy(backbone), copy.deepcopy(neck),
                                  copy.deepcopy(pool))
            for name in self.modalities
        })
        self.encoder_k = nn.ModuleDict({
            name: MomentumEncoder(self.encoder_q[name], momentum) for name in self.modalities})
        self.queues = nn.ModuleDict({
            name: MomentumQueue(self.encoder_q[name].out_channels, queue_len)
            for name in self.modalities})
        self.head = MODELS.build(head)

    @property
    def encoders(self):
        return self.encoder_q

    # ------------------------------------------------------------------ step parts
    def embed(self, name: str, feat: torch.Tensor) -> torch.Tensor:
        """``l2n(neck(feat))``: the query embedding of a representation."""
        neck = self.encoder_q[name].neck
        return F.normalize(neck(feat) if neck is not None else feat, dim=1)

    def update_keys(self, skip: Sequence[str] = ()) -> None:
        """One momentum step of every key encoder not in ``skip``."""
        for name in self.modalities:
            if name not in skip:
                self.encoder_k[name].update(self.encoder_q[name])

    @torch.no_grad()
    def encode_keys(self, views: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``l2n(encoder_k[x](x of the key view))`` for every modality, no gradient."""
        keys = {}
        for name in self.modalities:
            x = views[name][:, 1]
            if not self.shuffle_bn:
                keys[name] = F.normalize(self.encoder_k[name](x), dim=1)
                continue
            x, idx_unshuffle = batch_shuffle(x)
            keys[name] = F.normalize(batch_unshuffle(self.encoder_k[name](x), idx_unshuffle),
                                     dim=1)
        return keys

    def snapshot_queues(self) -> Dict[str, torch.Tensor]:
        """Copies of the queues: they change in place (enqueue) before backward."""
        return {name: self.queues[name].queue.clone() for name in self.modalities}

    def moco_losses(self, q, k, queue) -> Dict[str, torch.Tensor]:
        """``loss_moco_<x>`` and ``acc_moco_<x>`` of every modality."""
        losses = {}
        for name in self.modalities:
            loss, acc = self.head(q[name], k[name], queue[name])
            losses[f'loss_moco_{name}'] = loss
            losses[f'acc_moco_{name}'] = acc
        return losses

    def enqueue(self, keys: Dict[str, torch.Tensor]) -> None:
        """Write every modality's keys (gathered over ranks) at the same slots."""
        for name in self.modalities:
            self.queues[name].enqueue(keys[name])
