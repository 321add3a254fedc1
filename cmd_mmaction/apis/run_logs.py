"""Read the metrics and losses that mmengine wrote into a work dir.

mmengine's ``LocalVisBackend`` appends one JSON object per line to
``<work_dir>/<timestamp>/vis_data/scalars.json``; validation lines hold the
metrics (e.g. ``acc/top1``) and ``step`` (= epoch for epoch-based loops), training
lines the losses (``loss``, ``loss_<name>``), each the mean over the ``LogProcessor``
window of iterations before it.
"""
import glob
import json
import os
from typing import Dict, List


def _log_lines(work_dir: str, metric: str) -> List[Dict[str, float]]:
    """The lines of the newest run's ``scalars.json`` in ``work_dir`` that hold ``metric``."""
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
        raise ValueError(f'{logs[-1]}: no line reports {metric!r}')
    return rows


def val_history(work_dir: str, metric: str = 'acc/top1') -> List[Dict[str, float]]:
    """Every validation of the newest run in ``work_dir`` that reports ``metric``.

    Returns:
        list[dict]: ``{'step': epoch, metric: value, ...}`` in log order.

    Raises:
        FileNotFoundError: no ``scalars.json`` below ``work_dir``.
        ValueError: the newest log has no line with ``metric``.
    """
    return _log_lines(work_dir, metric)


def final_losses(work_dir: str) -> Dict[str, float]:
    """The losses (``loss`` and every ``loss_*``) of the newest run's last training log
    line: the mean over the last ``LogProcessor`` window of iterations.

    Raises:
        FileNotFoundError: no ``scalars.json`` below ``work_dir``.
        ValueError: the newest log has no training line.
    """
    last = _log_lines(work_dir, 'loss')[-1]
    return {k: float(v) for k, v in last.items() if k == 'loss' or k.startswith('loss_')}


def loss_history(work_dir: str) -> Dict[str, List[List[float]]]:
    """Every loss (``loss`` and each ``loss_*``) of the newest run against epoch:
    ``{key: [[epoch, value], ...]}``, the value being the mean of that epoch's training
    log lines (one line per epoch when the logger interval covers the epoch). Lists, not
    tuples, so that a JSON round trip gives the same value back.

    Raises:
        FileNotFoundError: no ``scalars.json`` below ``work_dir``.
        ValueError: the newest log has no training line, or one without ``epoch``.
    """
    per_epoch: Dict[str, Dict[int, List[float]]] = {}
    for row in _log_lines(work_dir, 'loss'):
        if 'epoch' not in row:
            raise ValueError(f'{work_dir}: a training log line has no epoch (an '
                             f'iteration-based run?): {row}')
        for key, value in row.items():
            if key == 'loss' or key.startswith('loss_'):
                per_epoch.setdefault(key, {}).setdefault(int(row['epoch']), []).append(
                    float(value))
    return {key: [[epoch, sum(v) / len(v)] for epoch, v in sorted(epochs.items())]
            for key, epochs in per_epoch.items()}


def last_and_best(work_dir: str, metric: str = 'acc/top1') -> Dict[str, float]:
    """``last`` (final evaluation, the headline) and ``best`` (max over evaluations,
    the official scripts' number) of ``metric``; ``epoch`` of the last one."""
    rows = val_history(work_dir, metric)
    values = [float(r[metric]) for r in rows]
    return dict(last=values[-1], best=max(values), epoch=rows[-1].get('step'))
