"""Shared set-up of ``tools/train.py`` and ``tools/test.py``.

Keeps the two entry points as thin as mmaction2's and puts the pieces that
differ from stock mmaction2 (CPU distributed, CPU AMP, checkpoint trust) in one
place so they are tested once.
"""
import argparse
from typing import Optional

import torch

from .checkpoint_trust import trust_checkpoint, trust_config_checkpoints, trust_directory
from .cpu_distributed import DEFAULT_CPU_TIMEOUT_S, init_cpu_dist
from .epoch_seed import EpochSeedHook


def use_amp(cfg) -> None:
    """Switch the optimizer wrapper to mixed precision for this device.

    CUDA: mmengine's ``AmpOptimWrapper`` (fp16 with dynamic loss scale).
    CPU: :class:`CPUBF16OptimWrapper` (bf16 autocast, no scaling needed).
    """
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in ('OptimWrapper', 'AmpOptimWrapper', 'CPUBF16OptimWrapper'):
        raise ValueError(f'--amp is not supported with the custom optimizer wrapper {wrapper!r}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        cfg.optim_wrapper.type = 'CPUBF16OptimWrapper'
        cfg.optim_wrapper.pop('loss_scale', None)


def positive_seconds(text: str) -> float:
    """argparse ``type`` of ``--dist-timeout``."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = float('nan')
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f'{text!r} is not a positive number of seconds')
    return seconds


def positive_int(text: str) -> int:
    """argparse ``type`` of ``--threads``."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'{text!r} is not a positive whole number')
    return int(text)


def set_threads(threads: Optional[int]) -> None:
    """``--threads N``: torch's intra-op threads of the main process (``None`` keeps
    torch's choice, which follows ``OMP_NUM_THREADS``). Data workers use one each.

    On a small machine torch's default (one thread per core) competes with the data
    workers and with any other job: on 2 cores shared with one other job an
    iteration of the main job took 20 s instead of 1.3 s (docs/troubleshooting.md).
    """
    if threads is not None:
        torch.set_num_threads(threads)


def log_threads() -> None:
    """Say in the run's log how many threads torch uses and where that came from."""
    import os

    from mmengine.logging import print_log
    source = (f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}"
              if 'OMP_NUM_THREADS' in os.environ else 'torch default: one per core')
    print_log(f'torch intra-op threads: {torch.get_num_threads()} (--threads, else '
              f'{source}); {os.cpu_count()} CPU cores', logger='current')


def set_dist_timeout(cfg, seconds: Optional[float]) -> None:
    """``--dist-timeout``: set mmengine's ``env_cfg.dist_cfg.timeout`` (seconds)."""
    if seconds is None:
        return
    env_cfg = cfg.get('env_cfg', None) or {}
    env_cfg.setdefault('dist_cfg', {})['timeout'] = seconds
    cfg.env_cfg = env_cfg


def prepare_distributed(cfg, launcher: str) -> None:
    """Make ``--launcher pytorch`` work without CUDA (gloo + CPU-safe DDP).

    The gloo group gets ``env_cfg.dist_cfg.timeout`` seconds, else
    :data:`~.cpu_distributed.DEFAULT_CPU_TIMEOUT_S` (on CUDA mmengine applies the
    config's timeout itself).
    """
    cfg.launcher = launcher
    dist_cfg = (cfg.get('env_cfg', None) or {}).get('dist_cfg', None) or {}
    started = init_cpu_dist(launcher, dist_cfg.get('timeout') or DEFAULT_CPU_TIMEOUT_S)
    if started or (launcher != 'none' and not torch.cuda.is_available()):
        wrapper_cfg = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
        if wrapper_cfg.get('type') == 'MMDistributedDataParallel':
            wrapper_cfg['type'] = 'CPUCompatibleDDP'
        cfg.model_wrapper_cfg = wrapper_cfg


def add_epoch_seed_hook(cfg) -> None:
    """Append ``EpochSeedHook`` to ``cfg.custom_hooks`` unless the config has one.

    From code rather than from ``default_runtime.py``: a config that sets its own
    ``custom_hooks`` replaces the default list, and resuming would then silently
    stop being exact with ``num_workers=0`` (see ``epoch_seed``).
    """
    hooks = list(cfg.get('custom_hooks', None) or [])
    if not any(isinstance(h, dict) and h.get('type') in ('EpochSeedHook', EpochSeedHook)
               for h in hooks):
        hooks.append(dict(type='EpochSeedHook'))
    cfg.custom_hooks = hooks


def prepare_checkpoint_trust(cfg, named_files=(), resume_auto: bool = False) -> None:
    """Trust the checkpoints the user named (see ``checkpoint_trust``)."""
    for path in named_files:
        trust_checkpoint(path)
    trust_config_checkpoints(cfg)
    if resume_auto:
        trust_directory(cfg.work_dir)


def shutdown_distributed() -> None:
    """Leave the process group cleanly.

    Without this, a gloo rank that reaches interpreter exit while its peer is
    still tearing down can abort (SIGABRT) after a successful run. The DDP
    wrapper must be freed *before* the group is destroyed (callers drop their
    runner first; the runner sits in reference cycles, hence ``gc.collect``):
    a gloo DDP reducer that outlives ``destroy_process_group`` aborts the
    process at exit ("terminate called without an active exception") in about
    one run in five with torch 2.13.
    """
    import gc

    import torch.distributed as torch_dist
    if torch_dist.is_available() and torch_dist.is_initialized():
        gc.collect()
        torch_dist.barrier()
        torch_dist.destroy_process_group()


def exit_launched_process(launcher: str) -> None:
    """End a successful ``torchrun`` worker without interpreter teardown.

    Even after :func:`shutdown_distributed`, a gloo rank occasionally aborts in
    C++ teardown ("terminate called without an active exception", SIGABRT: a
    joinable native thread destroyed at exit), turning a finished run into a
    failed ``torchrun`` job. By then every log line, metric file and checkpoint
    is written (checkpoints atomically); so logs are flushed and the process
    leaves with ``os._exit(0)``. Only for launched runs (``launcher != 'none'``);
    called from the tools' ``__main__`` blocks, never from library code.
    """
    if launcher == 'none':
        return
    import logging
    import os
    import sys
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
