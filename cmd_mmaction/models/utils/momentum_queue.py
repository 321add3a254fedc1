"""Queue of past key embeddings (MoCo's dictionary), shared by CMD and IKEM."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather


class MomentumQueue(nn.Module):
    """A ring buffer of L2-normalised key embeddings, gathered over all ranks.

    ``queue`` and ``ptr`` are buffers, so checkpoints carry them and every rank
    holds the same queue (each rank enqueues the keys of all ranks, in rank
    order). The pointer stays on the device: enqueueing never syncs the host.

    Args:
        dim (int): embedding width D.
        length (int): number of slots K; need not be a multiple of the batch.

    Buffers:
        queue: ``(D, K)`` float, one embedding per column; random normal with
            unit-norm columns at start (as the official code).
        ptr: ``()`` int64, the next slot to write.
    """

    def __init__(self, dim: int, length: int) -> None:
        super().__init__()
        if dim < 1 or length < 1:
            raise ValueError(f'MomentumQueue: dim and length must be >= 1, got {dim}, {length}')
        self.dim = dim
        self.length = length
        self.register_buffer('queue', F.normalize(torch.randn(dim, length), dim=0))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def enqueue(self, keys: torch.Tensor) -> None:
        """Write the keys of every rank (``(N, D)`` here) and advance ``ptr``.

        With wrap-around: slot ``(ptr + i) mod K`` gets the i-th gathered key.
        If more keys than slots arrive, only the last K are kept. All ranks
        must pass the same N (``drop_last=True`` in distributed training).
        """
        if keys.dim() != 2 or keys.shape[1] != self.dim:
            raise ValueError(f'MomentumQueue.enqueue expects keys (N, {self.dim}), '
                             f'got {tuple(keys.shape)}')
        keys = torch.cat(all_gather(keys.detach()), dim=0)
        num = keys.shape[0]
        if num > self.length:
            keys, start = keys[-self.length:], self.ptr + (num - self.length)
            num = self.length
        else:
            start = self.ptr
        slots = (start + torch.arange(num, device=keys.device)) % self.length
        self.queue.index_copy_(1, slots, keys.t().to(self.queue.dtype))
        self.ptr.copy_((start + num) % self.length)

    def extra_repr(self) -> str:
        return f'dim={self.dim}, length={self.length}'
