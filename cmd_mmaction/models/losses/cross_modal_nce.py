"""CrosSCLR/IKEM multi-positive InfoNCE with cross-modal top-k mining (docs/method_ikem.md, Stage A)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS


@MODELS.register_module()
class MultiPositiveNCELoss(nn.Module):
    r"""InfoNCE whose extra positives are mined in another embedding space.

    For each sample (anchor ``a``):

    - ``pos``: similarity to its own positive key (``q_x . k_x``, or in the
      relational KD the student-teacher similarity ``u_s . t``);
    - ``neg``: similarities to the anchor's queue ``(K,)`` (``q_x . Q^x``);
    - ``mining``: similarities of *another* modality to its queue, slot by
      slot the same past samples (lock-step queues), ``q_y . Q^y``.

    .. math::
        \ell = [pos,\; neg,\; neg \odot mining] / \tau,\qquad
        P = [1,\; \mathrm{onehot}(\mathrm{topk}(mining)),\; \text{same}]

        L = \mathrm{mean}_n\Big(-\sum_j P_j \log\mathrm{softmax}(\ell)_j
            \big/ \sum_j P_j\Big)

    The context block (``context=True``) is the element-wise product of the
    two modalities' similarities; it is not detached, so gradient also
    reaches the mining modality (as in CrosSCLR). The top-k mask has no
    gradient. ``context=False`` drops the third block.

    Args:
        temperature (float): tau. Defaults to 0.07.
        topk (int): mined positives per sample. Defaults to 1 (IKEM).
        context (bool): add the context block. Defaults to True (IKEM).

    Shapes:
        pos ``(N,)`` or ``(N, 1)``; neg, mining ``(N, K)``. Output: scalar.
    """

    def __init__(self, temperature: float = 0.07, topk: int = 1, context: bool = True) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'MultiPositiveNCELoss: temperature must be > 0, got {temperature}')
        if topk < 1:
            raise ValueError(f'MultiPositiveNCELoss: topk must be >= 1, got {topk}')
        self.temperature = temperature
        self.topk = topk
        self.context = context

    def forward(self, pos: torch.Tensor, neg: torch.Tensor,
                mining: torch.Tensor) -> torch.Tensor:
        if neg.dim() != 2 or mining.shape != neg.shape or pos.numel() != neg.shape[0]:
            raise ValueError('MultiPositiveNCELoss: expected pos (N,), neg and mining (N, K); '
                             f'got shapes {tuple(pos.shape)}, {tuple(neg.shape)}, '
                             f'{tuple(mining.shape)}')
        if self.topk > neg.shape[1]:
            raise ValueError(f'MultiPositiveNCELoss: topk={self.topk} exceeds the '
                             f'{neg.shape[1]} queue slots')
        mined = torch.zeros_like(neg).scatter_(
            1, mining.detach().topk(self.topk, dim=1).indices, 1.0)
        ones = neg.new_ones(neg.shape[0], 1)
        blocks, masks = [pos.reshape(-1, 1), neg], [ones, mined]
        if self.context:
            blocks.append(neg * mining)
            masks.append(mined)
        log_prob = F.log_softmax(torch.cat(blocks, dim=1) / self.temperature, dim=1)
        mask = torch.cat(masks, dim=1)
        return (-(log_prob * mask).sum(dim=1) / mask.sum(dim=1)).mean()

    def extra_repr(self) -> str:
        return f'temperature={self.temperature}, topk={self.topk}, context={self.context}'
