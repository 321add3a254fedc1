"""Cross-modal mutual distillation loss of CMD (docs/method_cmd.md)."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS


@MODELS.register_module()
class CMDLoss(nn.Module):
    r"""KL from a teacher modality's neighbour distribution to a student's.

    Both modalities' queues are written in lock-step, so queue slot j holds
    the same past sample in every modality. The teacher (modality a) ranks the
    slots by its *key* similarities ``t = k_a . Q_a`` and keeps its top-k
    slots ``S``; the student (modality b) is compared on the same slots with
    its *query* similarities ``s = q_b . Q_b``:

    .. math::
        L = \frac{1}{N}\sum_n \mathrm{KL}\big(\mathrm{softmax}(t_S/\tau_t)
            \,\|\, \mathrm{softmax}(s_S/\tau_s)\big)

    (``F.kl_div(log_softmax(student), softmax(teacher), 'batchmean')``, the
    official form). The teacher is detached; gradient reaches only the
    student's query encoder. The positive key is not part of either
    distribution.

    Degenerate cases (why "mutual distillation" generalises positive mining):

    - ``topk = 1``: both softmaxes are over one entry, both equal 1, so the
      loss is exactly 0 (nothing is distilled).
    - ``teacher_temp -> 0`` with ``topk = k >= 2``: the teacher distribution
      becomes one-hot on its nearest neighbour ``j* = argmax_j t_j``, the
      teacher entropy vanishes and
      ``KL = -log softmax_{j in S}(s_j / tau_s)[j*]``, i.e. the cross-entropy
      of the student's similarities over the teacher's top-k slots with the
      teacher's nearest neighbour as the target. With ``k = K`` (all slots)
      this is cross-modal positive mining: the student treats the teacher's
      nearest queue entry as its positive and all other queue entries as
      negatives, ``CE(s / tau_s, j*)``.

    Args:
        topk (int): slots kept per sample (``<= K``). Defaults to 8192.
        teacher_temp (float): tau_t. Defaults to 0.05.
        student_temp (float): tau_s. Defaults to 0.1.
        loss_weight (float): lambda, the weight of the summed pair terms in the
            model's ``loss_cmd``. Defaults to 1.0.

    Shapes:
        teacher_sim, student_sim: ``(N, K)``. Output: scalar.
    """

    def __init__(self, topk: int = 8192, teacher_temp: float = 0.05,
                 student_temp: float = 0.1, loss_weight: float = 1.0) -> None:
        super().__init__()
        if topk < 1:
            raise ValueError(f'CMDLoss: topk must be >= 1, got {topk}')
        if teacher_temp <= 0 or student_temp <= 0:
            raise ValueError('CMDLoss: temperatures must be > 0, got '
                             f'teacher_temp={teacher_temp}, student_temp={student_temp}')
        self.topk = topk
        self.teacher_temp = teacher_temp
        self.student_temp = student_temp
        self.loss_weight = loss_weight

    def check_queue(self, num_slots: int) -> None:
        """The one home of the rule ``topk <= queue slots`` (else the teacher would
        keep slots it does not have)."""
        if self.topk > num_slots:
            raise ValueError(f'CMDLoss: topk ({self.topk}) must not exceed the queue length '
                             f'({num_slots})')

    def select(self, teacher_sim: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The teacher's top-k similarities and their slot indices, each ``(N, topk)``.

        Computed once per teacher and shared by all its students.
        """
        self.check_queue(teacher_sim.shape[1])
        return teacher_sim.detach().topk(self.topk, dim=1)

    def distill(self, teacher_topk: torch.Tensor, index: torch.Tensor,
                student_sim: torch.Tensor) -> torch.Tensor:
        """KL between the teacher's top-k and the student gathered at ``index``."""
        student = student_sim.gather(1, index)
        return F.kl_div(F.log_softmax(student / self.student_temp, dim=1),
                        F.softmax(teacher_topk / self.teacher_temp, dim=1),
                        reduction='batchmean')

    def forward(self, teacher_sim: torch.Tensor, student_sim: torch.Tensor) -> torch.Tensor:
        return self.distill(*self.select(teacher_sim), student_sim)

    def extra_repr(self) -> str:
        return (f'topk={self.topk}, teacher_temp={self.teacher_temp}, '
                f'student_temp={self.student_temp}, loss_weight={self.loss_weight}')
