"""MoCo's InfoNCE loss against a queue of negatives (docs/method_cmd.md, Objective)."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """Cross-entropy of the positive key among the queue's negatives.

    ``logits = [q.k, q.Q] / temperature`` per sample (the positive first), and
    ``loss = CE(logits, 0)`` averaged over the batch.

    Args:
        temperature (float): tau. Defaults to 0.07.

    Shapes:
        q: ``(N, D)`` queries, k: ``(N, D)`` positive keys (both L2-normalised
        by the caller), queue: ``(D, K)`` negatives (used as given: pass a
        snapshot that is not modified before backward).

    Returns:
        tuple: the scalar loss, and the top-1 accuracy of the positive (the
        fraction of samples whose positive logit is the largest; a detached
        scalar tensor, for logging).
    """

    def __init__(self, temperature: float = 0.07) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'InfoNCELoss: temperature must be > 0, got {temperature}')
        self.temperature = temperature

    def forward(self, q: torch.Tensor, k: torch.Tensor,
                queue: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        pos = (q * k).sum(dim=1, keepdim=True)   # (N, 1)
        neg = q @ queue                            # (N, K)
        logits = torch.cat([pos, neg], dim=1) / self.temperature
        labels = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
        loss = F.cross_entropy(logits, labels)
        accuracy = (logits.detach().argmax(dim=1) == 0).float().mean()
        return loss, accuracy

    def extra_repr(self) -> str:
        return f'temperature={self.temperature}'
