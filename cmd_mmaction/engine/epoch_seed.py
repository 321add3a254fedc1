"""Re-seed the main process's random generators before every training epoch.

With ``num_workers > 0`` the augmentations run in data workers, which mmengine
seeds from the run's seed when they start, i.e. identically every epoch with
non-persistent workers, so a resumed run sees the same views as the
uninterrupted one. With ``num_workers=0`` they run in the main process and draw
from its ``random`` / ``numpy`` / ``torch`` generators, which the Runner seeds
once at start: epoch 2 of a run resumed after epoch 1 would start from the
seed while the uninterrupted run continues where epoch 1 left off.

:class:`EpochSeedHook` seeds all three at ``before_train_epoch`` from
``(runner.seed, epoch)``, so each epoch's randomness depends only on the seed
and the epoch, whether the run was resumed or not, and whatever ran in between
(validation, checkpointing). ``runner.seed`` already includes the rank when
``randomness.diff_rank_seed`` is set; otherwise all ranks draw alike, as after
the Runner's own seeding. Shuffling is not affected (``DefaultSampler`` has its
own generator, seeded from seed and epoch). tools/train.py adds the hook when
the config has none.
"""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from mmaction.registry import HOOKS


def epoch_seed(seed: int, epoch: int) -> int:
    """A 32-bit seed for ``epoch`` of a run seeded with ``seed`` (no collisions
    between nearby (seed, epoch) pairs, unlike ``seed + epoch``)."""
    return int(np.random.SeedSequence([seed % 2 ** 32, epoch]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seed ``random``, ``numpy`` and ``torch`` from (seed, epoch) before each epoch."""

    priority = 'VERY_HIGH'  # before any other hook draws a random number

    def before_train_epoch(self, runner) -> None:
        seed = epoch_seed(runner.seed, runner.epoch)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)  # CPU and every CUDA device
