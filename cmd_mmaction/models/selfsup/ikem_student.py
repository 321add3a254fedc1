"""IKEM stage B: relational cross-modality distillation into single-modality students
(docs/method_ikem.md)."""
import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import ModuleDict
from mmengine.runner.checkpoint import _load_checkpoint

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...utils.config_vars import load_config
from ..utils import MomentumQueue, SkeletonEncoder
from .base import BaseSkeletonSelfSupervisor


def load_frozen_teacher(teacher: Union[Dict, str], checkpoint: str) -> nn.Module:
    """Build a CMD/IKEM teacher and load its query encoders from ``checkpoint``.

    ``teacher`` is a model config dict or the path of a config file (its
    ``model``). Only ``encoder_q.*`` keys are used (strictly: every query
    encoder parameter must be in the checkpoint); key encoders, queues and
    IKEM predictors are ignored, as the official code.
    """
    if not isinstance(checkpoint, str) or not osp.isfile(checkpoint):
        raise FileNotFoundError(f'IKEMStudent: teacher_checkpoint {checkpoint!r} does not exist '
                                '(pretrain the teacher first, or fix the path)')
    if isinstance(teacher, str):
        teacher = load_config(teacher).model
    model = MODELS.build(copy.deepcopy(dict(teacher)))
    if not hasattr(model, 'encoder_q'):
        raise ValueError(f'IKEMStudent: teacher {type(model).__name__} has no encoder_q '
                         '(expected IKEMTeacher or CMD)')
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    prefix = 'encoder_q.'
    state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    if not state:
        raise ValueError(f'IKEMStudent: {checkpoint} has no {prefix}* weights (not a CMD/IKEM '
                         'teacher checkpoint?)')
    try:
        model.encoder_q.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise ValueError(f'IKEMStudent: {checkpoint} does not match the teacher config: '
                         f'{err}') from None
    return model


@MODELS.register_module()
class IKEMStudent(BaseSkeletonSelfSupervisor):
    """Single-modality students distilled from a frozen multi-modality teacher.

    The teacher's query encoders (``teacher[x]``, one per teacher modality,
    with their projection necks) are loaded from ``teacher_checkpoint`` when
    the model is built, have ``requires_grad=False``, stay in eval mode
    (BN statistics and dropout frozen) and survive ``init_weights``. One step:

    1. teacher on view 0: ``q_x = l2n(teacher[x](x(v0)))`` for every teacher
       modality, ``t = l2n([q_x]_x)``;
    2. student s on view 1: ``u_s = l2n(encoder_student[s](s(v1)))``;
    3. ``loss_kd_<s>`` = ``head`` (:class:`RelationalKDLoss`: anchor ``u_s``,
       positive ``t``, negatives the teacher queue ``Q_T``; for each teacher
       modality x, top-k positives and context from ``q_x . Q^x``), averaged
       over x;
    4. enqueue ``q_x`` into ``teacher_queues[x]`` and ``t`` into
       ``teacher_queue`` (lock-step, gathered over ranks).

    Modalities are computed with the teacher's layout and true-timeline
    setting. Only the students are trained.

    Args:
        teacher (dict | str): teacher model config, or a config file path.
        teacher_checkpoint (str): the teacher's pretraining checkpoint; a
            missing file raises ``FileNotFoundError`` at build time.
        backbone, neck, pool (dict): one student encoder (IKEM: ST-GCN and a
            256-768-768 projection, width = the concatenated teacher embedding).
        head (dict): the distillation loss. Defaults to
            ``RelationalKDLoss(temperature=0.07, topk=1, context=True)``.
        modalities (Sequence[str]): student modalities. Defaults to
            ``('joint', 'motion', 'bone')``.
        queue_len (int): K. Defaults to 32768.
        teacher_train_mode (bool): run the frozen teacher in train mode (BN
            statistics drift, dropout on), as the official code. Defaults to False.
        official_omega_queue_bug (bool): compare ``q_omega`` with the bone
            queue, as the official code. Defaults to False.

    Inputs: ``(N, 2, M, T, V, C)`` joints; data samples with
    ``total_frames`` when the teacher uses the true timeline.
    """

    def __init__(self,
                 teacher: Union[Dict, str],
                 teacher_checkpoint: str,
                 backbone: Dict,
                 neck: Dict,
                 head: Dict = dict(type='RelationalKDLoss', temperature=0.07, topk=1,
                                   context=True),
                 pool: Optional[Dict] = None,
                 modalities: Sequence[str] = ('joint', 'motion', 'bone'),
                 queue_len: int = 32768,
                 teacher_train_mode: bool = False,
                 official_omega_queue_bug: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        teacher_model = load_frozen_teacher(teacher, teacher_checkpoint)
        super().__init__(modalities, teacher_model.layout, teacher_model.time_scale_frames,
                         data_preprocessor, init_cfg)
        self.teacher_modalities = tuple(teacher_model.modalities)
        self.teacher = teacher_model.encoder_q.requires_grad_(False)
        self.teacher_train_mode = teacher_train_mode
        if official_omega_queue_bug and not {'omega', 'bone'} <= set(self.teacher_modalities):
            raise ValueError('IKEMStudent: official_omega_queue_bug needs omega and bone teachers')
        self.mining_queue = {x: ('bone' if official_omega_queue_bug and x == 'omega' else x)
                             for x in self.teacher_modalities}

        self.encoder_student = ModuleDict({
            m: SkeletonEncoder(copy.deepcopy(backbone), copy.deepcopy(neck), copy.deepcopy(pool))
            for m in self.modalities})
        dims = {x: teacher_model.queues[x].dim for x in self.teacher_modalities}
        self.teacher_dim = sum(dims.values())
        self.teacher_queues = nn.ModuleDict(
            {x: MomentumQueue(d, queue_len) for x, d in dims.items()})
        self.teacher_queue = MomentumQueue(self.teacher_dim, queue_len)
        self.head = MODELS.build(head)
        self.train(self.training)

    @property
    def encoders(self):
        return self.encoder_student

    # ------------------------------------------------------------------ frozen teacher
    def train(self, mode: bool = True) -> 'IKEMStudent':
        super().train(mode)
        self.teacher.train(mode and self.teacher_train_mode)
        return self

    def init_weights(self) -> None:
        """Initialise the students; the loaded teacher is kept as it is."""
        teacher_state = copy.deepcopy(self.teacher.state_dict())
        super().init_weights()
        self.teacher.load_state_dict(teacher_state)

    @torch.no_grad()
    def teacher_embeddings(self, x: torch.Tensor, scale: Optional[torch.Tensor]):
        """``({x: q_x (N, d)}, t (N, sum d))`` of joints ``(N, M, T, V, C)``."""
        q = {m: F.normalize(self.teacher[m](self.modality(m, x, scale)), dim=1)
             for m in self.teacher_modalities}
        return q, F.normalize(torch.cat([q[m] for m in self.teacher_modalities], dim=1), dim=1)

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """``loss_kd_<student modality>`` for every student."""
        self.check_inputs(inputs, 2)
        scale = self.time_scale(inputs, data_samples)
        q, t = self.teacher_embeddings(inputs[:, 0], scale)
        sims = [q[x] @ self.teacher_queues[self.mining_queue[x]].queue
                for x in self.teacher_modalities]
        teacher_queue = self.teacher_queue.queue.clone()  # enqueued before backward
        losses = {}
        for m in self.modalities:
            enc = self.encoder_student[m]
            u = F.normalize(enc(self.modality(m, inputs[:, 1], scale)), dim=1)
            if u.shape[1] != self.teacher_dim:
                raise ValueError(f'IKEMStudent: student {m} embeds to {u.shape[1]} dims, the '
                                 f'teacher embedding has {self.teacher_dim}: set the neck '
                                 f'out_channels to {self.teacher_dim}')
            losses[f'loss_kd_{m}'] = self.head(u, t, teacher_queue, sims)
        for x in self.teacher_modalities:
            self.teacher_queues[x].enqueue(q[x])
        self.teacher_queue.enqueue(t)
        return losses
