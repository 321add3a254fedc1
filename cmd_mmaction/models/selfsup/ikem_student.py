"""IKEM stage B: relational cross-modality distillation into single-modality students
(METHODS.md §5.2)."""
import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.model import BaseModel, ModuleDict
from mmengine.runner.checkpoint import _load_checkpoint

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...skeleton.modalities import canonical_name, compute_modality
from ..losses import RelationalKDLoss
from ..utils import MomentumQueue, SkeletonEncoder
from .cmd import CMD
from .ikem_teacher import embed, true_timeline_scale


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
        teacher = Config.fromfile(teacher).model
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
class IKEMStudent(BaseModel):
    """Single-modality students distilled from a frozen multi-modality teacher.

    The teacher's query encoders (``teacher[x]``, one per teacher modality,
    with their projection heads) are loaded from ``teacher_checkpoint`` when
    the model is built, have ``requires_grad=False``, stay in eval mode
    (BN statistics and dropout frozen) and survive ``init_weights``. One step:

    1. teacher on view 0: ``q_x = l2n(teacher[x](x(v0)))`` for every teacher
       modality, ``t = l2n([q_x]_x)``;
    2. student s on view 1: ``u_s = l2n(encoder_student[s](s(v1)))``;
    3. ``loss_kd_<s>`` = :class:`RelationalKDLoss` (anchor ``u_s``, positive
       ``t``, negatives the teacher queue ``Q_T``; for each teacher modality
       x, top-k positives and context from ``q_x . Q^x``), averaged over x;
    4. enqueue ``q_x`` into ``teacher_queues[x]`` and ``t`` into
       ``teacher_queue`` (lock-step, gathered over ranks).

    Modalities are computed with the teacher's layout and true-timeline
    setting. Only the students are trained.

    Args:
        teacher (dict | str): teacher model config, or a config file path.
        teacher_checkpoint (str): the teacher's pretraining checkpoint; a
            missing file raises ``FileNotFoundError`` at build time.
        backbone, head, neck (dict): one student encoder (IKEM: ST-GCN and a
            256-768-768 head, width = the concatenated teacher embedding).
        modalities (Sequence[str]): student modalities. Defaults to
            ``('joint', 'motion', 'bone')``.
        queue_len (int): K. Defaults to 32768.
        temperature, topk, context: of :class:`RelationalKDLoss` (0.07, 1, True).
        teacher_train_mode (bool): run the frozen teacher in train mode (BN
            statistics drift, dropout on), as the official code (pitfall 16).
            Defaults to False.
        official_omega_queue_bug (bool): compare ``q_omega`` with the bone
            queue, as the official code (pitfall 15). Defaults to False.

    Inputs: ``(N, 2, M, T, V, C)`` joints; data samples with
    ``total_frames`` when the teacher uses the true timeline.
    """

    def __init__(self,
                 teacher: Union[Dict, str],
                 teacher_checkpoint: str,
                 backbone: Dict,
                 head: Dict,
                 neck: Optional[Dict] = None,
                 modalities: Sequence[str] = ('joint', 'motion', 'bone'),
                 queue_len: int = 32768,
                 temperature: float = 0.07,
                 topk: int = 1,
                 context: bool = True,
                 teacher_train_mode: bool = False,
                 official_omega_queue_bug: bool = False,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        teacher_model = load_frozen_teacher(teacher, teacher_checkpoint)
        self.teacher_modalities = tuple(teacher_model.modalities)
        self.layout = teacher_model.layout
        self.time_scale_frames = getattr(teacher_model, 'time_scale_frames', None)
        self.teacher = teacher_model.encoder_q.requires_grad_(False)
        self.teacher_train_mode = teacher_train_mode
        if official_omega_queue_bug and not {'omega', 'bone'} <= set(self.teacher_modalities):
            raise ValueError('IKEMStudent: official_omega_queue_bug needs omega and bone teachers')
        self.mining_queue = {x: ('bone' if official_omega_queue_bug and x == 'omega' else x)
                             for x in self.teacher_modalities}

        self.modalities = tuple(canonical_name(m) for m in modalities)
        self.encoder_student = ModuleDict({
            m: SkeletonEncoder(copy.deepcopy(backbone), copy.deepcopy(neck), copy.deepcopy(head))
            for m in self.modalities})
        dims = {x: teacher_model.queues[x].dim for x in self.teacher_modalities}
        self.teacher_dim = sum(dims.values())
        self.teacher_queues = nn.ModuleDict(
            {x: MomentumQueue(d, queue_len) for x, d in dims.items()})
        self.teacher_queue = MomentumQueue(self.teacher_dim, queue_len)
        self.kd_loss = RelationalKDLoss(temperature, topk, context)
        self.train(self.training)

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
        q = {m: F.normalize(self.teacher[m](self._modality(m, x, scale)), dim=1)
             for m in self.teacher_modalities}
        return q, F.normalize(torch.cat([q[m] for m in self.teacher_modalities], dim=1), dim=1)

    # ------------------------------------------------------------------ helpers
    def _modality(self, name: str, x: torch.Tensor, scale: Optional[torch.Tensor]):
        return compute_modality(name, x, self.layout, scale)

    def _scale(self, inputs, data_samples):
        return true_timeline_scale(data_samples, self.time_scale_frames, inputs.shape[0], inputs)

    @staticmethod
    def _check_inputs(inputs: torch.Tensor, min_clips: int) -> None:
        if inputs.dim() != 6 or inputs.shape[1] < min_clips:
            raise ValueError(f'IKEMStudent expects inputs (N, num_clips>={min_clips}, M, T, V, C),'
                             f' got {tuple(inputs.shape)}')

    # ------------------------------------------------------------------ modes
    def extract_feat(self, inputs: torch.Tensor, modality: str = 'joint',
                     data_samples: Optional[Sequence[ActionDataSample]] = None) -> torch.Tensor:
        """Student representation ``(N, D)`` of clip 0 for ``modality``."""
        if modality not in self.encoder_student:
            raise ValueError(f'IKEMStudent.extract_feat: modality {modality!r} is not one of '
                             f'{self.modalities}')
        if inputs.dim() == 6:
            inputs = inputs[:, 0]
        x = self._modality(modality, inputs, self._scale(inputs, data_samples))
        return self.encoder_student[modality].represent(x)

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[ActionDataSample]] = None) -> Dict[str, torch.Tensor]:
        """``loss_kd_<student modality>`` for every student."""
        self._check_inputs(inputs, 2)
        scale = self._scale(inputs, data_samples)
        q, t = self.teacher_embeddings(inputs[:, 0], scale)
        sims = [q[x] @ self.teacher_queues[self.mining_queue[x]].queue
                for x in self.teacher_modalities]
        teacher_queue = self.teacher_queue.queue.clone()  # enqueued before backward
        losses = {}
        for m in self.modalities:
            enc = self.encoder_student[m]
            u = embed(enc, enc.represent(self._modality(m, inputs[:, 1], scale)))
            if u.shape[1] != self.teacher_dim:
                raise ValueError(f'IKEMStudent: student {m} embeds to {u.shape[1]} dims, the '
                                 f'teacher embedding has {self.teacher_dim}: set the head '
                                 f'out_channels to {self.teacher_dim}')
            losses[f'loss_kd_{m}'] = self.kd_loss(u, t, teacher_queue, sims)
        for x in self.teacher_modalities:
            self.teacher_queues[x].enqueue(q[x])
        self.teacher_queue.enqueue(t)
        return losses

    # same contracts as CMD: feat_<modality> fields for the kNN metric, modes by name
    predict = CMD.predict

    def _forward(self, inputs, data_samples=None):
        return tuple(self.extract_feat(inputs, m, data_samples) for m in self.modalities)

    forward = CMD.forward
