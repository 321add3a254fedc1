"""Collect downstream results into one Markdown table.

Rows: protocol x dataset x backbone x stream, with the last-epoch top-1 (the
headline, docs/protocols.md), the best evaluation (what the official scripts print)
and the paper's number where docs/method_cmd.md gives one (other cells stay empty
rather than guessed). Inputs, any mix of:

- a work dir of ``tools/train.py`` (linear / finetune / semi / transfer):
  validation history in ``<ts>/vis_data/scalars.json``;
- a work dir of ``tools/test.py`` (kNN, fusion, any test): ``<ts>/<ts>.json``; the
  test of a pretraining config is its kNN protocol;
- a ``tools/analysis/semi_seeds.py`` work dir (or its ``semi_seeds.json``):
  mean ± std over seeds;
- a ``tools/test.py --dump`` pickle (top-1 from its scores), named like a
  config or lying in the work dir of its test run.

Names follow the configs (``linear_bigru_1xb64-80e_ntu60-xsub-3d-joint`` ...):
mmengine copies the config into the work dir; a dump is named by its file stem.

    python tools/analysis/benchmark_table.py work_dirs/linear_* work_dirs/cmd_* \\
        --out results.md
"""
import argparse
import glob
import json
import os.path as osp
import re
import sys
from typing import Dict, List, Optional

from cmd_mmaction.apis.run_logs import last_and_best
from cmd_mmaction.utils.atomic_io import write_text_atomic

BACKBONE_FAMILIES = ('bigru', 'stgcn')  # names may add a variant: bigru-h128, stgcn-w16
THREE_STREAMS = 'joint+motion+bone'
# docs/method_cmd.md: the CMD paper's 3-stream BiGRU linear evaluation (top-1, %).
PAPER = {
    ('linear', 'bigru', 'ntu60-xsub', THREE_STREAMS): 84.1,
    ('linear', 'bigru', 'ntu60-xview', THREE_STREAMS): 90.9,
    ('linear', 'bigru', 'ntu120-xsub', THREE_STREAMS): 74.7,
    ('linear', 'bigru', 'ntu120-xset', THREE_STREAMS): 76.1,
}
HEADER = ('Protocol', 'Dataset', 'Backbone', 'Stream', 'Top-1 last (%)', 'Top-1 best (%)',
          'Paper (%)')


def parse_name(name: str) -> Dict[str, Optional[str]]:
    """Protocol, backbone, dataset and stream from a config / dump name.

    ``fusion-3s`` configs evaluate the three linear (or finetune) streams
    together: protocol ``fusion-3s``, stream ``joint+motion+bone``; ``cmd_*``
    pretraining runs report their kNN monitor.
    """
    match = re.match(r'(?P<protocol>[a-z0-9-]+?)_(?P<backbone>(?:%s)(?:-[a-z0-9]+)*)_(?P<rest>.+)$'
                     % '|'.join(map(re.escape, BACKBONE_FAMILIES)), name)
    if not match:
        raise ValueError(f'{name!r} does not follow <protocol>_<backbone>_..._<dataset>-3d'
                         f'[-<stream>] (backbones: {BACKBONE_FAMILIES}[-<variant>])')
    rest = match['rest']
    # the dataset is the last '_' field up to '-3d' (`ntu60-xsub`, `msr-xsub`, ...)
    data = rest.rsplit('_', 1)[-1]
    if '-3d' not in data:
        raise ValueError(f'{name!r} names no <dataset>-3d field')
    dataset = data.split('-3d', 1)[0].replace('-to-', ' → ')
    stream = rest.split('-3d-', 1)[1] if '-3d-' in rest else None
    protocol = match['protocol']
    if protocol.startswith('fusion'):
        stream = THREE_STREAMS
    elif protocol == 'cmd':
        protocol = 'knn (pretraining monitor)'
    return dict(protocol=protocol, backbone=match['backbone'], dataset=dataset, stream=stream)


def _config_name(work_dir: str) -> str:
    """Stem of the newest config copy (a test run after training copies its own)."""
    configs = sorted(glob.glob(osp.join(work_dir, '*.py')), key=osp.getmtime)
    if not configs:
        raise FileNotFoundError(f'{work_dir}: no config copy (*.py) in the work dir')
    return osp.splitext(osp.basename(configs[-1]))[0]


def _test_metrics(work_dir: str) -> Optional[dict]:
    """Metrics of the newest ``tools/test.py`` run (``<ts>/<ts>.json``), if any."""
    logs = sorted(p for p in glob.glob(osp.join(work_dir, '*', '*.json'))
                  if osp.basename(p)[:-5] == osp.basename(osp.dirname(p)))
    for path in reversed(logs):
        with open(path, encoding='utf-8') as f:
            lines = [json.loads(line) for line in f if line.strip()]
        if lines and any('top1' in k for k in lines[-1]):
            return lines[-1]
    return None


def _rows_from_metrics(ident: dict, metrics: dict, best: Optional[dict] = None) -> List[dict]:
    rows = []
    for key, value in metrics.items():
        knn = re.fullmatch(r'knn/(\w+)_top1', key)
        if knn:
            stream = THREE_STREAMS if knn[1] == 'fused' else knn[1]
            protocol = ident['protocol'] if ident['protocol'].startswith('knn') else 'knn'
            rows.append(dict(ident, protocol=protocol, stream=stream, last=value,
                             best=(best or {}).get(key)))
        elif key == 'acc/top1':
            rows.append(dict(ident, last=value, best=(best or {}).get(key)))
    return rows


def collect(path: str) -> List[dict]:
    """Rows (fractions in [0, 1]; ``last_std`` for seed means) from one input."""
    if path.endswith(('.pkl', '.pickle')):
        from cmd_mmaction.evaluation.fusion import topk_accuracy
        from cmd_mmaction.evaluation.prediction_dump import (load_prediction_dump,
                                                             scores_and_labels)
        scores, labels = scores_and_labels(load_prediction_dump(path), source=path)
        try:
            ident = parse_name(osp.splitext(osp.basename(path))[0])
        except ValueError:  # e.g. work_dirs/x/dump.pkl: named by the config copy beside it
            ident = parse_name(_config_name(osp.dirname(path) or '.'))
        return [dict(ident, last=topk_accuracy(scores, labels, (1, ))[1], best=None)]
    summary = path if path.endswith('.json') else osp.join(path, 'semi_seeds.json')
    if osp.isfile(summary):
        with open(summary, encoding='utf-8') as f:
            data = json.load(f)
        ident = parse_name(osp.splitext(osp.basename(data['config']))[0])
        return [dict(ident, last=data['last_mean'], last_std=data['last_std'],
                     best=data['best_mean'], best_std=data['best_std'],
                     seeds=len(data['seeds']))]
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path}: not a work dir, semi_seeds.json or dump')
    ident = parse_name(_config_name(path))
    metrics = _test_metrics(path)
    if metrics is not None:
        if ident['protocol'] == 'knn (pretraining monitor)':
            ident = dict(ident, protocol='knn')  # tools/test.py of a pretraining config
        return _rows_from_metrics(ident, metrics)
    rows = []
    for key in ('acc/top1', 'knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1',
                'knn/fused_top1'):
        try:
            result = last_and_best(path, key)
        except ValueError:
            continue
        rows += _rows_from_metrics(ident, {key: result['last']}, {key: result['best']})
    if not rows:
        raise ValueError(f'{path}: no top-1 metric in its logs')
    return rows


def _percent(value: Optional[float], std: Optional[float] = None) -> str:
    if value is None:
        return ''
    return f'{100 * value:.2f}' + (f' ± {100 * std:.2f}' if std is not None else '')


def markdown(rows: List[dict]) -> str:
    """The table, sorted by protocol, dataset, backbone, stream."""
    def key(r):
        return (r['protocol'], r['dataset'], r['backbone'], r['stream'] or '')
    lines = ['| ' + ' | '.join(HEADER) + ' |', '|' + '---|' * len(HEADER)]
    for r in sorted(rows, key=key):
        protocol = r['protocol'] + (f' ({r["seeds"]} seeds)' if r.get('seeds') else '')
        paper = PAPER.get((r['protocol'].split(' ')[0] if r['protocol'] != 'fusion-3s'
                           else 'linear', r['backbone'], r['dataset'], r['stream']))
        cells = (protocol, r['dataset'], r['backbone'], r['stream'] or '',
                 _percent(r['last'], r.get('last_std')), _percent(r['best'], r.get('best_std')),
                 '' if paper is None else f'{paper:.1f}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def main(argv: Optional[List[str]] = None) -> str:
    parser = argparse.ArgumentParser(description='Markdown table of downstream results')
    parser.add_argument('inputs', nargs='+', help='work dirs, semi_seeds.json files or dumps')
    parser.add_argument('--out', help='write the table here too (Markdown)')
    args = parser.parse_args(argv)
    rows = [row for path in args.inputs for row in collect(path)]
    table = markdown(rows)
    print(table, end='')
    if args.out:
        write_text_atomic(args.out, table)
    return table


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'benchmark_table: error: {err}')
