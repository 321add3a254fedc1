"""Train (pretrain or evaluate downstream) with mmengine's Runner.

Same flags as mmaction2's ``tools/train.py``; additionally works on machines
without CUDA (``--launcher pytorch`` uses gloo, ``--amp`` uses bf16 autocast),
adds ``EpochSeedHook`` (exact ``--resume`` with ``num_workers=0``) and warns
about ``--cfg-options`` keys that change nothing.

The program behind ``tools/train.py`` (a thin script): importable so that studies
and tests run it in-process.
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from mmaction.registry import RUNNERS
from ..engine import (ResumeTrustError, add_epoch_seed_hook, log_threads, positive_int,
                      positive_seconds, prepare_checkpoint_trust, prepare_distributed,
                      select_resume_checkpoint, set_dist_timeout, set_threads,
                      shutdown_distributed, use_amp, validate_config, warn_unknown_options)
from ..utils import ConfigVariableError, merge_options, resolve_variables


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a skeleton model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or from the latest one in the work '
        'dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (fp16 on CUDA, bf16 on CPU)')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the LR by actual / base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='use a different seed on every rank')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (cuDNN and torch)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument(
        '--dist-timeout', type=positive_seconds, metavar='SECONDS',
        help='with --launcher: how long a collective waits for the other processes '
        'before the run fails (env_cfg.dist_cfg.timeout; default on CPU: 600)')
    parser.add_argument(
        '--threads', type=positive_int, metavar='N',
        help="torch threads of the main process (default: torch's, which follows "
        'OMP_NUM_THREADS); 1 is fastest on a small machine shared with other jobs')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge command-line arguments into the config (mmaction2 semantics)."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        use_amp(cfg)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    # the flags override the config's randomness (default_runtime defines one, so
    # mmaction2's "only when the config has none" would silently ignore --seed)
    randomness = dict(cfg.get('randomness', None) or {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    cfg.randomness = randomness
    if args.cfg_options is not None:
        warn_unknown_options(cfg, args.cfg_options)  # typos such as lod_from=...
        merge_options(cfg, args.cfg_options)  # model.backbone.x -> '{backbone}'
    resolve_variables(cfg)  # '{name}' placeholders, after the options changed the variables
    set_dist_timeout(cfg, args.dist_timeout)
    add_epoch_seed_hook(cfg)  # exact resume with num_workers=0 too
    return cfg


def main(argv=None, hooks=()):
    """Run the tool; ``hooks``: extra mmengine ``Hook`` objects (e.g. a progress bar)."""
    args = parse_args(argv)
    set_threads(args.threads)
    try:
        cfg = merge_args(Config.fromfile(args.config), args)
    except ConfigVariableError as err:
        sys.exit(f'error: {args.config}: {err}')
    validate_config(cfg, 'train', args.launcher)  # before any data is read
    prepare_distributed(cfg, args.launcher)
    # the trust set first: an auto-resume pick is then trusted only as part of the work dir
    prepare_checkpoint_trust(cfg, named_files=[cfg.get('load_from')],
                             resume_auto=args.resume == 'auto')
    if args.resume == 'auto':  # the last *complete* checkpoint, not blindly last_checkpoint
        try:
            select_resume_checkpoint(cfg)
        except ResumeTrustError as err:
            sys.exit(f'error: {err}')
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    log_threads()
    for hook in hooks:
        runner.register_hook(hook)
    try:
        runner.train()
    finally:
        if args.launcher != 'none':
            runner = None  # free the DDP wrapper before the process group goes
        shutdown_distributed()
    return runner  # None for launched runs

