"""Read the validation metrics that mmengine wrote into a work dir.

mmengine's ``LocalVisBackend`` appends one JSON object per line to
``<work_dir>/<timestamp>/vis_data/scalars.json``; validation lines hold the
metrics (e.g. ``acc/top1``) and ``step`` (= epoch for epoch-based loops).
"""
import glob
import json
import os
from typing import Dict, List


def val_history(work_dir: str, metric: str = 'acc/top1') -> List[Dict[str, float]]:
    """Every validation of the newest run in ``work_dir`` that reports ``metric``.

    Returns:
        list[dict]: ``{'step': epoch, metric: value, ...}`` in log order.

    Raises:
        FileNotFoundError: no ``scalars.json`` below ``work_dir``.
        ValueError: the newest log has no line with ``metric``.
    """
    logs = sorted(glob.glob(os.path.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise FileNotFoundError(f'{work_dir}: no */vis_data/scalars.json (not an mmengine '
                                'work dir, or the run wrote no log)')
    rows = []
    with open(logs[-1], encoding='utf-8') as f:
        for i, line in enumerate(f):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f'{logs[-1]}:{i + 1}: not JSON ({err})') from None
            if metric in row:
                rows.append(row)
    if not rows:
        raise ValueError(f'{logs[-1]}: no validation reports {metric!r}')
    return rows


def last_and_best(work_dir: str, metric: str = 'acc/top1') -> Dict[str, float]:
    """``last`` (final evaluation, the headline) and ``best`` (max over evaluations,
    the official scripts' number) of ``metric``; ``epoch`` of the last one."""
    rows = val_history(work_dir, metric)
    values = [float(r[metric]) for r in rows]
    return dict(last=values[-1], best=max(values), epoch=rows[-1].get('step'))
