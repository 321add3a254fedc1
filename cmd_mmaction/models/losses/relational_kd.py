"""IKEM stage B: relational cross-modality distillation loss (docs/method_ikem.md, Stage B)."""
from typing import Sequence

import torch
import torch.nn as nn

from mmaction.registry import MODELS
from .cross_modal_nce import MultiPositiveNCELoss


@MODELS.register_module()
class RelationalKDLoss(nn.Module):
    r"""Distil a frozen multi-modality teacher's relations into one student.

    Anchor: the student embedding ``u`` (view 2). Positive: the teacher
    embedding ``t`` of the same clip (view 1). Negatives: the teacher queue
    ``Q_T``. For every teacher modality x, the teacher's own neighbour
    structure ``q_x . Q^x`` both mines the top-k extra positives and weights
    the context block (:class:`MultiPositiveNCELoss`):

    .. math::
        L = \frac{1}{|X|}\sum_{x} \mathrm{MPNCE}(u\cdot t,\; u^\top Q_T,\;
            q_x^\top Q^x)

    Args:
        temperature (float): tau. Defaults to 0.07.
        topk (int): mined positives per teacher modality. Defaults to 1.
        context (bool): context block. Defaults to True.

    Shapes:
        student, teacher: ``(N, D)`` (L2-normalised by the caller);
        teacher_queue: ``(D, K)``; teacher_sims: one ``(N, K)`` per teacher
        modality (slots aligned with ``teacher_queue``). Output: scalar.
    """

    def __init__(self, temperature: float = 0.07, topk: int = 1, context: bool = True) -> None:
        super().__init__()
        self.nce = MultiPositiveNCELoss(temperature, topk, context)

    @property
    def temperature(self) -> float:
        return self.nce.temperature

    def forward(self, student: torch.Tensor, teacher: torch.Tensor,
                teacher_queue: torch.Tensor,
                teacher_sims: Sequence[torch.Tensor]) -> torch.Tensor:
        if not len(teacher_sims):
            raise ValueError('RelationalKDLoss: at least one teacher similarity is required')
        pos = (student * teacher.detach()).sum(dim=1)
        neg = student @ teacher_queue
        terms = [self.nce(pos, neg, sims.detach()) for sims in teacher_sims]
        return sum(terms) / len(terms)
