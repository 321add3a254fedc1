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
import shutil
import subprocess

import torch
import torch.distributed as torch_dist
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from mmengine.registry import MODEL_WRAPPERS


#: gloo collective timeout (seconds) when the config sets none: long enough for the
#: slowest step one rank does alone (rank 0 saving a checkpoint or computing a kNN
#: metric over a large bank), far below gloo's 30 minutes
DEFAULT_CPU_TIMEOUT_S = 600


def slurm_environment(environ=os.environ) -> dict:
    """``RANK`` / ``WORLD_SIZE`` / ``LOCAL_RANK`` / ``MASTER_ADDR`` / ``MASTER_PORT`` of a
    process started by ``srun`` (mmengine's slurm set-up, which also picks a GPU).

    ``MASTER_ADDR`` / ``MASTER_PORT`` given in the environment win; otherwise the first
    host of ``SLURM_NODELIST`` (via ``scontrol show hostnames``) and port 29500.
    """
    missing = [k for k in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST') if k not in environ]
    if missing:
        raise RuntimeError(f"--launcher slurm: {', '.join(missing)} not set; start the tool "
                           'with srun (tools/slurm_train.sh)')
    addr = environ.get('MASTER_ADDR')
    if not addr:
        nodes = environ['SLURM_NODELIST']
        if shutil.which('scontrol'):
            addr = subprocess.run(['scontrol', 'show', 'hostnames', nodes], check=True,
                                  capture_output=True, text=True).stdout.split()[0]
        elif not any(c in nodes for c in '[],'):
            addr = nodes  # a single host needs no expansion
        else:
            raise RuntimeError(f'--launcher slurm: cannot expand SLURM_NODELIST={nodes!r} '
                               'without scontrol; set MASTER_ADDR')
    return dict(RANK=environ['SLURM_PROCID'], WORLD_SIZE=environ['SLURM_NTASKS'],
                LOCAL_RANK=environ.get('SLURM_LOCALID', '0'), MASTER_ADDR=addr,
                MASTER_PORT=environ.get('MASTER_PORT', '29500'))


def init_cpu_dist(launcher: str, timeout_s: float = DEFAULT_CPU_TIMEOUT_S) -> bool:
    """Initialise a gloo process group for ``launcher='pytorch'`` or ``'slurm'`` without
    CUDA (with CUDA, mmengine's Runner does it).

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
    if launcher == 'slurm':
        os.environ.update(slurm_environment())
    elif launcher != 'pytorch':
        raise RuntimeError(f'launcher {launcher!r} without CUDA is not supported; use '
                           "tools/dist_train.sh (torchrun, launcher 'pytorch') or "
                           "tools/slurm_train.sh (launcher 'slurm')")
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
