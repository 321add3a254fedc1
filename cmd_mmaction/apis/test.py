"""Test (and evaluate) a checkpoint with mmengine's Runner.

Same flags as mmaction2's ``tools/test.py``. The checkpoint named here is
trusted for full unpickling (mmengine checkpoints hold non-tensor objects).
``random-init`` instead of a checkpoint evaluates the seeded initial weights.
A bad argument (missing checkpoint, a ``--dump`` file that cannot be written)
stops the tool before any work with one ``error: ...`` line.

The program behind ``tools/test.py`` (a thin script): importable so that studies
and tests run it in-process.
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmaction.registry import RUNNERS
from ..engine import (log_threads, positive_int, positive_seconds, prepare_checkpoint_trust,
                      prepare_distributed, set_dist_timeout, set_threads,
                      shutdown_distributed, validate_config, warn_unknown_options)
from ..utils import merge_options, resolve_variables

RANDOM_INIT = 'random-init'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', help=f'checkpoint file, or {RANDOM_INIT!r} to evaluate the seeded '
        'random initialisation (the floor a pretrained encoder must beat)')
    parser.add_argument('--work-dir', help='dir for the metrics file and logs')
    parser.add_argument('--dump', type=str,
                        help='dump predictions to a pickle file for offline evaluation')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. test_dataloader.batch_size=8')
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


def check_dump_file(path: str) -> None:
    """Raise ValueError unless ``path`` is a ``.pkl`` file that can be created.

    Checked up front: mmengine's ``DumpResults`` only writes after the whole test
    set has been evaluated, and then fails with a raw traceback.
    """
    if not path.endswith(('.pkl', '.pickle')):
        raise ValueError(f'--dump {path}: the dump file must end in .pkl or .pickle')
    if osp.isdir(path):
        raise ValueError(f'--dump {path}: is a directory; name a file, e.g. '
                         f'{osp.join(path, "predictions.pkl")}')
    parent = osp.dirname(osp.abspath(path))
    while not osp.exists(parent):  # missing folders are created when the dump is written
        parent = osp.dirname(parent)
    if not osp.isdir(parent):
        raise ValueError(f'--dump {path}: {parent} is a file, not a directory')
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f'--dump {path}: cannot write in {parent}')


def merge_args(cfg, args):
    if args.dump is not None:
        check_dump_file(args.dump)
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        evaluators = cfg.test_evaluator
        evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
        cfg.test_evaluator = evaluators + [dump_metric]
    if args.cfg_options is not None:
        warn_unknown_options(cfg, args.cfg_options)  # typos such as lod_from=...
        merge_options(cfg, args.cfg_options)  # model.backbone.x -> '{backbone}'
    resolve_variables(cfg)  # '{name}' placeholders, after the options changed the variables
    set_dist_timeout(cfg, args.dist_timeout)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.checkpoint == RANDOM_INIT:
        cfg.load_from = None  # the runner's seed fixes the initial weights
    elif not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist')
    else:
        cfg.load_from = args.checkpoint
    return cfg


def main(argv=None, hooks=()):
    """Run the tool; ``hooks``: extra mmengine ``Hook`` objects (e.g. a progress bar)."""
    args = parse_args(argv)
    set_threads(args.threads)
    try:
        cfg = merge_args(Config.fromfile(args.config), args)
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'error: {err}')
    validate_config(cfg, 'test', args.launcher)  # before any data is read
    prepare_distributed(cfg, args.launcher)
    prepare_checkpoint_trust(cfg, named_files=[cfg.load_from] if cfg.load_from else [])
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    log_threads()
    for hook in hooks:
        runner.register_hook(hook)
    if args.checkpoint == RANDOM_INIT:  # the weights training would start from
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        model.init_weights()
    try:
        metrics = runner.test()
    finally:
        del runner  # free the DDP wrapper before the process group goes
        shutdown_distributed()
    return metrics

