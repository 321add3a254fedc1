"""Distributed training on machines without CUDA (gloo backend).

mmengine 0.10.7 assumes CUDA for ``--launcher pytorch``: ``init_dist`` calls
``torch.cuda.set_device`` and the runner passes ``device_ids=[local_rank]`` to
every ``DistributedDataParallel`` subclass, which DDP rejects for CPU modules.
:func:`init_cpu_dist` starts the process group with gloo before the runner does
(the runner then skips its own ``init_dist``), and
:class:`CPUCompatibleDDP` drops ``device_ids`` and reverts SyncBN when CUDA is
absent. On a CUDA machine both are no-ops, so configs stay portable.

Collective timeout: a rank that hangs (stopped, swapping, deadlocked) blocks the
others inside the next collective until the process group's timeout, 30 minutes
for gloo by default. The group is created with ``env_cfg.dist_cfg.timeout``
seconds (mmengine's own key, which it passes to ``init_process_group`` on CUDA;
``--dist-timeout`` of the tools sets it), or :data:`DEFAULT_CPU_TIMEOUT_S`.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from mmengine.registry import MODEL_WRAPPERS


#: gloo collective timeout (seconds) when the config sets none: long enough for the
#: slowest step one rank does alone (rank 0 saving a checkpoint or computing a kNN
#: metric over a large bank), far below gloo's 30 minutes
DEFAULT_CPU_TIMEOUT_S = 600


def init_cpu_dist(launcher: str, timeout_s: float = DEFAULT_CPU_TIMEOUT_S) -> bool:
    """Initialise a gloo process group for ``launcher='pytorch'`` without CUDA.

    Args:
        launcher (str): the tools' ``--launcher``.
        timeout_s (float): how long a collective waits for the other ranks before
            it raises (every rank then fails instead of hanging).

    Returns True when it initialised the group, False when nothing was needed
    (no launcher, CUDA present, or already initialised).
    """
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if torch_dist.is_available() and torch_dist.is_initialized():
        return False
    if launcher != 'pytorch':
        raise RuntimeError(f'launcher {launcher!r} without CUDA is not supported; '
                           "use tools/dist_train.sh (torchrun, launcher 'pytorch')")
    from datetime import timedelta
    torch_dist.init_process_group(
        backend='gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        timeout=timedelta(seconds=timeout_s))
    return True


@MODEL_WRAPPERS.register_module()
class CPUCompatibleDDP(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that also works on CPU (gloo).

    Without CUDA, ``device_ids`` must be None for DDP and SyncBN cannot run, so
    both are removed; with CUDA this is exactly ``MMDistributedDataParallel``.
    """

    def __init__(self, module, detect_anomalous_params: bool = False, **kwargs):
        if not torch.cuda.is_available():
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
            module = revert_sync_batchnorm(module)
        super().__init__(
            module=module, detect_anomalous_params=detect_anomalous_params, **kwargs)
