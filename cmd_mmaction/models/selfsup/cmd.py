"""CMD: cross-modal mutual distillation for skeleton pretraining (METHODS.md §4)."""
import copy
from itertools import permutations
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import BaseModel, ModuleDict, ModuleList

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...skeleton.layouts import get_layout
from ...skeleton.modalities import canonical_name, compute_modality
from ..losses import CMDLoss, InfoNCELoss
from ..utils import (MomentumEncoder, MomentumQueue, SkeletonEncoder, batch_shuffle,
                     batch_unshuffle)


@MODELS.register_module()
class CMD(BaseModel):
    """Per-modality MoCo branches plus mutual distillation between modalities.

    For every modality x (computed inside the model from the joint views):
    a query encoder ``encoder_q[x]`` (backbone -> pooling neck -> projection
    head), its momentum copy ``encoder_k[x]`` and a queue ``queues[x]``. One
    training step (``loss``), in the official order:

    1. ``q_x = l2n(encoder_q[x](x(view 0)))`` for every x;
    2. momentum-update every key encoder;
    3. ``k_x = l2n(encoder_k[x](x(view 1)))`` for every x, without gradient;
    4. ``loss_moco_<x> = InfoNCE(q_x, k_x, Q_x)``;
       ``loss_cmd = cmd_weight * sum_{(a, b) in pairs}
       KL(topk(k_a Q_a) / tau_t || q_b Q_b at those slots / tau_s)``
       (zero before ``cmd_start_epoch``);
    5. enqueue every ``k_x`` (gathered over ranks); all queues move in
       lock-step, so slot j is the same past sample in every modality.

    Only the query encoders have trainable parameters; key encoders have
    ``requires_grad=False`` and mmengine's optimizer constructor skips them.

    Args:
        backbone (dict): backbone config, deep-copied per modality (query).
        head (dict): projection head config, e.g. ``ProjectionNeck``
            (2048 -> 2048 -> 128 for ``BiGRU``).
        neck (dict, optional): pooling to ``(N, D)`` for backbones with a
            spatio-temporal output (``SkeletonGlobalPool`` for ``STGCN``).
        modalities (Sequence[str]): any subset of
            ``cmd_mmaction.skeleton.modalities.MODALITIES`` (aliases such as
            ``'j'`` are mapped to their names).
            Defaults to ``('joint', 'motion', 'bone')``.
        layout (str): skeleton layout of the modality functions
            (``cmd_mmaction.skeleton.layouts``). Defaults to ``'nturgb+d'``.
        pairs (Sequence[tuple], optional): ``(teacher, student)`` modality
            pairs of the CMD loss; None = all ordered pairs (6 for 3
            modalities); ``()`` = plain per-modality MoCo.
        queue_len (int): K. Defaults to 16384.
        feat_dim (int): embedding width (head output). Defaults to 128.
        momentum (float): key encoder EMA m. Defaults to 0.999.
        moco_temp (float): InfoNCE tau. Defaults to 0.07.
        topk (int): slots kept by each teacher (<= queue_len). Defaults to 8192.
        teacher_temp (float): Defaults to 0.05.
        student_temp (float): Defaults to 0.1.
        cmd_weight (float): lambda. Defaults to 1.0.
        cmd_start_epoch (int): first (0-based) epoch with the CMD loss, read
            from mmengine's ``MessageHub`` (``'epoch'``, 0 when absent).
            Defaults to 0 (official: on from the start).
        shuffle_bn (bool): MoCo's batch shuffle across ranks for the key
            encoders. Defaults to False (the official CMD code has none).
        extra_losses (Sequence[dict], optional): extra loss modules (e.g.
            ``IKEMModule``) called as ``module(feats, keys, queues)`` with the
            per-modality query representations ``(N, D)``, keys ``(N, d)``
            and queue snapshots ``(d, K)``; each returns a dict of named
            losses. Active together with ``loss_cmd`` (``cmd_start_epoch``).
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='ActionDataPreprocessor')`` (stacks the batch).
        init_cfg (dict or list[dict], optional): mmengine init config.

    Inputs:
        ``inputs``: ``(N, num_clips, M, T, V, C)`` joint coordinates; training
        needs ``num_clips >= 2`` (clip 0 = query view, clip 1 = key view,
        mmaction2 ``FormatGCNInput(num_clips=2)``); prediction uses clip 0.
    """

    def __init__(self,
                 backbone: Dict,
                 head: Dict,
                 neck: Optional[Dict] = None,
                 modalities: Sequence[str] = ('joint', 'motion', 'bone'),
                 layout: str = 'nturgb+d',
                 pairs: Optional[Sequence[Tuple[str, str]]] = None,
                 queue_len: int = 16384,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 moco_temp: float = 0.07,
                 topk: int = 8192,
                 teacher_temp: float = 0.05,
                 student_temp: float = 0.1,
                 cmd_weight: float = 1.0,
                 cmd_start_epoch: int = 0,
                 shuffle_bn: bool = False,
                 extra_losses: Optional[Sequence[Dict]] = None,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        if isinstance(data_preprocessor, dict):  # mmaction scope, also without a Runner
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.modalities = self._check_modalities(modalities)
        self.pairs = self._check_pairs(pairs, self.modalities)
        if topk > queue_len:
            raise ValueError(f'CMD: topk ({topk}) must not exceed queue_len ({queue_len})')
        get_layout(layout)  # unknown layouts fail here, not at the first batch
        self.layout = layout
        self.cmd_weight = cmd_weight
        self.cmd_start_epoch = cmd_start_epoch
        self.shuffle_bn = shuffle_bn

        self.encoder_q = ModuleDict({
            name: SkeletonEncoder(copy.deepcopy(backbone), copy.deepcopy(neck),
                                  copy.deepcopy(head))
            for name in self.modalities
        })
        self.encoder_k = nn.ModuleDict({
            name: MomentumEncoder(self.encoder_q[name], momentum)
            for name in self.modalities
        })
        self.queues = nn.ModuleDict(
            {name: MomentumQueue(feat_dim, queue_len) for name in self.modalities})
        self.moco_loss = InfoNCELoss(moco_temp)
        self.cmd_loss = CMDLoss(topk, teacher_temp, student_temp)
        self.extra_losses = ModuleList([MODELS.build(cfg) for cfg in extra_losses or ()])

    @staticmethod
    def _check_modalities(modalities: Sequence[str]) -> Tuple[str, ...]:
        if isinstance(modalities, str):
            modalities = (modalities, )
        if not modalities:
            raise ValueError('CMD: modalities must name at least one modality')
        checked = []
        for name in modalities:
            try:
                checked.append(canonical_name(name))  # aliases such as 'j' -> 'joint'
            except ValueError as err:
                raise ValueError(f'CMD: {err}') from None
        if len(set(checked)) != len(checked):
            raise ValueError(f'CMD: modalities contain duplicates: {tuple(modalities)}')
        return tuple(checked)

    @staticmethod
    def _check_pairs(pairs, modalities: Tuple[str, ...]) -> Tuple[Tuple[str, str], ...]:
        if pairs is None:
            return tuple(permutations(modalities, 2))
        checked = []
        for pair in pairs:
            names = tuple(CMD._canonical_or_none(m) for m in pair)
            if len(names) != 2 or names[0] == names[1] or any(m not in modalities for m in names):
                raise ValueError(f'CMD: pair {pair!r} must be (teacher, student), two '
                                 f'different modalities among {modalities}')
            checked.append(names)
        return tuple(checked)

    @staticmethod
    def _canonical_or_none(name: str) -> Optional[str]:
        try:
            return canonical_name(name)
        except ValueError:
            return None

    # ------------------------------------------------------------------ helpers
    def _modality(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """Modality ``name`` of joints ``(..., T, V, C)``; same shape."""
        return compute_modality(name, x, self.layout)

    @staticmethod
    def _check_inputs(inputs: torch.Tensor, min_clips: int) -> None:
        if inputs.dim() != 6 or inputs.shape[1] < min_clips:
            raise ValueError(f'CMD expects inputs (N, num_clips>={min_clips}, M, T, V, C), '
                             f'got {tuple(inputs.shape)}')

    @torch.no_grad()
    def _encode_keys(self, name: str, x: torch.Tensor) -> torch.Tensor:
        if not self.shuffle_bn:
            return self.encoder_k[name](x)
        x, idx_unshuffle = batch_shuffle(x)
        return batch_unshuffle(self.encoder_k[name](x), idx_unshuffle)

    def _cmd_active(self) -> bool:
        return MessageHub.get_current_instance().get_info('epoch', 0) >= self.cmd_start_epoch

    # ------------------------------------------------------------------ modes
    def extract_feat(self, inputs: torch.Tensor, modality: str = 'joint') -> torch.Tensor:
        """Representation (pre-head) of clip 0 by the query encoder of ``modality``.

        Args:
            inputs: joints ``(N, M, T, V, C)`` or ``(N, num_clips, M, T, V, C)``.

        Returns:
            Tensor: ``(N, D)`` (2048 for the official BiGRU).
        """
        if modality not in self.encoder_q:
            raise ValueError(f'CMD.extract_feat: modality {modality!r} is not one of '
                             f'{self.modalities}')
        if inputs.dim() == 6:
            inputs = inputs[:, 0]
        return self.encoder_q[modality].represent(self._modality(modality, inputs))

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """One CMD step; returns ``loss_moco_<x>``, ``loss_cmd`` and ``acc_moco_<x>``."""
        self._check_inputs(inputs, 2)
        views = {name: self._modality(name, inputs[:, :2]) for name in self.modalities}
        feats = {name: self.encoder_q[name].represent(views[name][:, 0])
                 for name in self.modalities}
        q = {name: F.normalize(self._project(name, feats[name]), dim=1)
             for name in self.modalities}
        for name in self.modalities:
            self.encoder_k[name].update(self.encoder_q[name])
        k = {name: F.normalize(self._encode_keys(name, views[name][:, 1]), dim=1)
             for name in self.modalities}
        # snapshots: the queues change in place (enqueue) before backward
        queue = {name: self.queues[name].queue.clone() for name in self.modalities}

        losses = {}
        for name in self.modalities:
            loss, acc = self.moco_loss(q[name], k[name], queue[name])
            losses[f'loss_moco_{name}'] = loss
            losses[f'acc_moco_{name}'] = acc
        if self.pairs:
            losses['loss_cmd'] = self._distill(q, k, queue)
        if len(self.extra_losses) and self._cmd_active():
            for module in self.extra_losses:
                losses.update(module(feats, k, queue))
        for name in self.modalities:
            self.queues[name].enqueue(k[name])
        return losses

    def _project(self, name: str, feat: torch.Tensor) -> torch.Tensor:
        head = self.encoder_q[name].head
        return head(feat) if head is not None else feat

    def _distill(self, q: Dict[str, torch.Tensor], k: Dict[str, torch.Tensor],
                 queue: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``cmd_weight`` x sum over (teacher, student) pairs of the KL terms."""
        if not self._cmd_active():
            return next(iter(q.values())).new_zeros(())
        teachers = {a: self.cmd_loss.select(k[a] @ queue[a]) for a, _ in self.pairs}
        students = {b: q[b] @ queue[b] for _, b in self.pairs}
        total = sum(self.cmd_loss.distill(*teachers[a], students[b]) for a, b in self.pairs)
        return self.cmd_weight * total

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None
                ) -> List[ActionDataSample]:
        """Store ``feat_<modality>`` (``(D,)``, query encoder, clip 0) in each sample."""
        self._check_inputs(inputs, 1)
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(inputs.shape[0])]
        for name, feat in zip(self.modalities, self._forward(inputs, data_samples)):
            for sample, f in zip(data_samples, feat.detach()):
                sample.set_field(f, f'feat_{name}')
        return data_samples

    def _forward(self, inputs: torch.Tensor,
                 data_samples: Optional[List[ActionDataSample]] = None
                 ) -> Tuple[torch.Tensor, ...]:
        """Representations ``(N, D)`` of clip 0, one per modality (in order)."""
        return tuple(self.extract_feat(inputs, name) for name in self.modalities)

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
