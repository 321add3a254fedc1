"""Repeat a (semi-supervised) training over several labelled-subset seeds and
report mean ± std of the last-epoch validation metric (docs/protocols.md).

Each seed trains with ``tools/train.py`` in its own process and work dir
(``<work-dir>/seed<k>``), drawing the per-class subset with
``train_dataloader.dataset.subset_seed=k`` and seeding the run with ``--seed k``::

    python tools/analysis/semi_seeds.py \\
        configs/semi/semi-1pct_bigru_1xb64-80e_ntu60-xsub-3d-joint.py \\
        --seeds 0 1 2 3 4 --work-dir work_dirs/semi-1pct_ntu60-xsub

``--fraction`` overrides the config's ``label_fraction``. The summary (per seed
``last`` / ``best``, mean, std) is printed and written to
``<work-dir>/semi_seeds.json``. ``std`` is the sample standard deviation
(ddof=1; 0 for one seed).
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
from typing import List, Optional

import numpy as np

from cmd_mmaction.apis.run_logs import last_and_best
from cmd_mmaction.utils.atomic_io import write_text_atomic

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train over several subset seeds')
    parser.add_argument('config', help='training config (e.g. configs/semi/...)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    parser.add_argument('--work-dir', required=True, help='parent of the seed<k> work dirs')
    parser.add_argument('--fraction', type=float, help='label_fraction override in (0, 1]')
    parser.add_argument('--metric', default='acc/top1', help='validation metric to report')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed on to tools/train.py --cfg-options')
    args = parser.parse_args(argv)
    if len(set(args.seeds)) != len(args.seeds):
        parser.error(f'--seeds must be distinct, got {args.seeds}')
    if args.fraction is not None and not 0 < args.fraction <= 1:
        parser.error(f'--fraction must lie in (0, 1], got {args.fraction}')
    return args


def train_seed(config: str, seed: int, work_dir: str, fraction: Optional[float],
               cfg_options: List[str]) -> None:
    """Run tools/train.py for one seed; raises with the log tail on failure."""
    options = list(cfg_options) + [f'train_dataloader.dataset.subset_seed={seed}']
    if fraction is not None:
        options.append(f'train_dataloader.dataset.label_fraction={fraction}')
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), config, '--work-dir',
           work_dir, '--seed', str(seed), '--cfg-options', *options]
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH')) if p)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'seed {seed}: tools/train.py failed (exit {proc.returncode}):\n'
                           + (proc.stdout + proc.stderr)[-3000:])


def summarize(per_seed: dict) -> dict:
    """Mean and sample std (ddof=1) of ``last`` and ``best`` over seeds."""
    out = dict(seeds=per_seed)
    for key in ('last', 'best'):
        values = np.array([r[key] for r in per_seed.values()], dtype=np.float64)
        out[f'{key}_mean'] = float(values.mean())
        out[f'{key}_std'] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return out


def write_json(path: str, data: dict) -> None:
    write_text_atomic(path, json.dumps(data, indent=2))


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.work_dir, exist_ok=True)
    per_seed = {}
    for seed in args.seeds:
        work = osp.join(args.work_dir, f'seed{seed}')
        train_seed(args.config, seed, work, args.fraction, args.cfg_options)
        per_seed[seed] = last_and_best(work, args.metric)
        print(f'seed {seed}: {args.metric} last {per_seed[seed]["last"]:.4f} '
              f'best {per_seed[seed]["best"]:.4f}', flush=True)
    summary = dict(config=args.config, metric=args.metric, fraction=args.fraction,
                   **summarize(per_seed))
    write_json(osp.join(args.work_dir, 'semi_seeds.json'), summary)
    print(f'{args.metric} over {len(args.seeds)} seeds: '
          f'{100 * summary["last_mean"]:.2f} ± {100 * summary["last_std"]:.2f} (last epoch), '
          f'{100 * summary["best_mean"]:.2f} ± {100 * summary["best_std"]:.2f} (best epoch)')
    return summary


if __name__ == '__main__':
    try:
        main()
    except (RuntimeError, ValueError, FileNotFoundError) as err:
        sys.exit(f'semi_seeds: error: {err}')
