"""Momentum (EMA) key encoder and MoCo's shuffle-BN helpers."""
import copy
from typing import Tuple

import torch
import torch.nn as nn
from mmengine.dist import all_gather, broadcast, get_rank, get_world_size


class MomentumEncoder(nn.Module):
    """A frozen copy of an encoder that follows it by exponential moving average.

    MoCo semantics: ``update(query)`` sets every parameter
    ``key <- m * key + (1 - m) * query`` (``m = momentum``, the weight of the
    *old* key; mmengine's ``ExponentialMovingAverage(momentum=1 - m)`` is the
    same rule up to rounding; this class evaluates the official expression
    exactly); the very first update copies the query parameters, so a query
    encoder re-initialised after this copy was made (``init_weights``,
    ``Pretrained``) is followed exactly. The ``steps`` buffer counts updates and
    is saved in checkpoints, so a resumed run keeps its key encoder. The
    copy-or-average choice is made on the device (no host sync).

    Key parameters have ``requires_grad=False``: they never get gradients and
    ``TrainableOptimWrapperConstructor`` leaves them out of the optimizer. Buffers (BN running
    statistics) are not averaged: the key encoder's own forward passes update
    them, as in the official MoCo/CMD code.

    Args:
        model (nn.Module): the query encoder to follow (deep-copied).
        momentum (float): m in [0, 1]. Defaults to 0.999.
    """

    def __init__(self, model: nn.Module, momentum: float = 0.999) -> None:
        super().__init__()
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f'MomentumEncoder: momentum must be in [0, 1], got {momentum}')
        self.module = copy.deepcopy(model).requires_grad_(False)
        self.momentum = momentum
        self.register_buffer('steps', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """One EMA step towards ``model`` (same architecture as ``self.module``)."""
        key_params = list(self.module.parameters())
        query_params = list(model.parameters())
        if len(key_params) != len(query_params):
            raise ValueError('MomentumEncoder.update: the model has '
                             f'{len(query_params)} parameters, the key encoder {len(key_params)}')
        # first update: key = 0 * key + 1 * query (a copy); later: m * key + (1 - m) * query,
        # the official expression term by term; chosen on the device (no host sync)
        first = self.steps == 0
        dtype = key_params[0].dtype
        keep = torch.where(first, 0.0, self.momentum).to(dtype)
        take = torch.where(first, 1.0, 1.0 - self.momentum).to(dtype)
        torch._foreach_mul_(key_params, keep)
        torch._foreach_add_(key_params, torch._foreach_mul([p.detach() for p in query_params], take))
        self.steps += 1

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def extra_repr(self) -> str:
        return f'momentum={self.momentum}'


@torch.no_grad()
def batch_shuffle(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Shuffle a batch across all ranks (MoCo's shuffle-BN).

    Every rank passes its own ``(N, ...)`` batch (same N on all ranks) and gets
    back N samples of a random permutation of the global batch (rank 0 draws
    it and broadcasts it), so BatchNorm statistics of the key encoder mix
    samples from other ranks. On one process the batch is permuted locally
    (BN statistics are unchanged then; the path is kept for testing).

    Returns:
        tuple: the shuffled local batch and the index that undoes the global
        permutation (pass it to :func:`batch_unshuffle`).
    """
    world_size = get_world_size()
    x_all = torch.cat(all_gather(x), dim=0) if world_size > 1 else x
    perm = torch.randperm(x_all.shape[0], device=x.device)
    if world_size > 1:
        broadcast(perm, src=0)
    local = perm.view(world_size, -1)[get_rank()]
    return x_all[local], torch.argsort(perm)


@torch.no_grad()
def batch_unshuffle(x: torch.Tensor, idx_unshuffle: torch.Tensor) -> torch.Tensor:
    """Undo :func:`batch_shuffle` on outputs ``(N, ...)``: each rank gets its own samples back."""
    world_size = get_world_size()
    x_all = torch.cat(all_gather(x), dim=0) if world_size > 1 else x
    return x_all[idx_unshuffle.view(world_size, -1)[get_rank()]]
