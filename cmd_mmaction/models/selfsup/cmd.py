"""CMD: cross-modal mutual distillation for skeleton pretraining (docs/method_cmd.md)."""
from itertools import permutations
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import MessageHub
from mmengine.model import ModuleList

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...skeleton.modalities import canonical_name
from .multimodal_moco import MultiModalMoCo


@MODELS.register_module()
class CMD(MultiModalMoCo):
    """Per-modality MoCo branches plus mutual distillation between modalities.

    One training step (``loss``), in the official order:

    1. ``q_x = l2n(encoder_q[x](x(view 0)))`` for every modality x;
    2. momentum-update every key encoder;
    3. ``k_x = l2n(encoder_k[x](x(view 1)))`` for every x, without gradient;
    4. ``loss_moco_<x> = head(q_x, k_x, Q_x)`` (InfoNCE);
       ``loss_cmd = loss_weight * sum_{(a, b) in pairs}
       KL(topk(k_a Q_a) / tau_t || q_b Q_b at those slots / tau_s)``
       (``distill``, zero before ``cmd_start_epoch``);
    5. enqueue every ``k_x`` (gathered over ranks) at the same slots.

    ``pairs=()`` is plain per-modality MoCo (the baseline CMD is measured
    against).

    Args:
        backbone, neck, head, pool: see :class:`MultiModalMoCo` (BiGRU: no pool,
            a 2048-2048-128 ``ProjectionNeck``).
        distill (dict): the distillation loss. Defaults to
            ``CMDLoss(topk=8192, teacher_temp=0.05, student_temp=0.1, loss_weight=1)``.
        pairs (Sequence[tuple], optional): ``(teacher, student)`` modality
            pairs; None = all ordered pairs (6 for 3 modalities); ``()`` = no
            distillation.
        cmd_start_epoch (int): first (0-based) epoch with the distillation (and
            ``extra_losses``), read from mmengine's ``MessageHub``. Defaults to 0
            (official: on from the start).
        extra_losses (Sequence[dict], optional): extra loss modules (e.g.
            ``IKEMModule``) called as ``module(feats, keys, queues)`` with the
            per-modality representations ``(N, D)``, keys ``(N, d)`` and queue
            snapshots ``(d, K)``; each returns a dict of named losses.
        modalities, layout, queue_len, momentum, shuffle_bn, data_preprocessor,
        init_cfg: see :class:`MultiModalMoCo` (official: joint, motion, bone;
            K = 16384; m = 0.999).
    """

    def __init__(self,
                 backbone: Dict,
                 neck: Dict,
                 head: Dict = dict(type='InfoNCELoss', temperature=0.07),
                 pool: Optional[Dict] = None,
                 distill: Dict = dict(type='CMDLoss', topk=8192, teacher_temp=0.05,
                                      student_temp=0.1, loss_weight=1.0),
                 pairs: Optional[Sequence[Tuple[str, str]]] = None,
                 cmd_start_epoch: int = 0,
                 extra_losses: Optional[Sequence[Dict]] = None,
                 modalities: Sequence[str] = ('joint', 'motion', 'bone'),
                 layout: str = 'nturgb+d',
                 queue_len: int = 16384,
                 momentum: float = 0.999,
                 shuffle_bn: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(backbone, neck, head=head, pool=pool, modalities=modalities,
                         layout=layout, queue_len=queue_len, momentum=momentum,
                         shuffle_bn=shuffle_bn, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.pairs = self._check_pairs(pairs, self.modalities)
        self.distill = MODELS.build(distill)
        self.distill.check_queue(queue_len)
        self.cmd_start_epoch = cmd_start_epoch
        self.extra_losses = ModuleList([MODELS.build(cfg) for cfg in extra_losses or ()])

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

    def _cmd_active(self) -> bool:
        return MessageHub.get_current_instance().get_info('epoch', 0) >= self.cmd_start_epoch

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """One CMD step; returns ``loss_moco_<x>``, ``loss_cmd`` and ``acc_moco_<x>``."""
        self.check_inputs(inputs, 2)
        views = {name: self.modality(name, inputs[:, :2]) for name in self.modalities}
        feats = {name: self.encoder_q[name].represent(views[name][:, 0])
                 for name in self.modalities}
        q = {name: self.embed(name, feats[name]) for name in self.modalities}
        self.update_keys()
        k = self.encode_keys(views)
        queue = self.snapshot_queues()

        losses = self.moco_losses(q, k, queue)
        if self.pairs:
            losses['loss_cmd'] = self._distill(q, k, queue)
        if len(self.extra_losses) and self._cmd_active():
            for module in self.extra_losses:
                losses.update(module(feats, k, queue))
        self.enqueue(k)
        return losses

    def _distill(self, q: Dict[str, torch.Tensor], k: Dict[str, torch.Tensor],
                 queue: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``loss_weight`` x sum over (teacher, student) pairs of the KL terms."""
        if not self._cmd_active():
            return next(iter(q.values())).new_zeros(())
        teachers = {a: self.distill.select(k[a] @ queue[a]) for a, _ in self.pairs}
        students = {b: q[b] @ queue[b] for _, b in self.pairs}
        total = sum(self.distill.distill(*teachers[a], students[b]) for a, b in self.pairs)
        return self.distill.loss_weight * total
