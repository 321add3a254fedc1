"""Multi-stream score fusion and top-k accuracy of dumped scores (docs/protocols.md).

The arithmetic is mmaction2's (``mmaction.evaluation.functional``:
``get_weighted_score``, ``top_k_accuracy``, ``softmax``); this module checks the
inputs first, so a bad dump or weight list fails with a message naming the problem
instead of a numpy broadcasting error or a silently wrong number.
"""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.evaluation.functional import get_weighted_score, top_k_accuracy
from mmaction.evaluation.functional import softmax as _softmax

__all__ = ['fuse_scores', 'topk_accuracy', 'softmax', 'stream_complementarity']


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``scores`` (N, C), in float64 (mmaction2's ``softmax``)."""
    return _softmax(np.asarray(scores, dtype=np.float64), dim=1)


def fuse_scores(scores: Sequence[np.ndarray],
                weights: Optional[Sequence[float]] = None) -> np.ndarray:
    """Weighted mean of per-stream class scores.

    ``fused = sum_i w_i * scores_i / sum_i w_i`` (mmaction2's ``get_weighted_score``
    divided by the weight sum, which changes the scale, not the ranking); with equal
    weights this is the plain mean (CMD's ``view='all'`` averages the streams' logits).

    Args:
        scores (Sequence[np.ndarray]): one array per stream, each (N, C), same
            sample order.
        weights (Sequence[float], optional): one non-negative weight per stream,
            not all zero. None: equal weights.

    Returns:
        np.ndarray: fused scores, float64, shape (N, C).
    """
    if len(scores) == 0:
        raise ValueError('fuse_scores: no score arrays given')
    arrays = [np.asarray(s, dtype=np.float64) for s in scores]
    for i, arr in enumerate(arrays):
        if arr.ndim != 2:
            raise ValueError(f'fuse_scores: stream {i} scores must be (N, C), got shape '
                             f'{arr.shape}')
        if arr.shape != arrays[0].shape:
            raise ValueError(f'fuse_scores: stream {i} has shape {arr.shape}, stream 0 has '
                             f'{arrays[0].shape}')
        if not np.isfinite(arr).all():
            raise ValueError(f'fuse_scores: stream {i} scores contain NaN or inf')
    if weights is None:
        weights = [1.0] * len(arrays)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (len(arrays), ):
        raise ValueError(f'fuse_scores: {len(arrays)} streams need {len(arrays)} weights, got '
                         f'{weights.tolist()}')
    if not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(f'fuse_scores: weights must be finite, non-negative and not all '
                         f'zero, got {weights.tolist()}')
    fused = np.stack(get_weighted_score(arrays, weights.tolist()))
    return fused / weights.sum()


def topk_accuracy(scores: np.ndarray, labels: np.ndarray,
                  ks: Sequence[int] = (1, 5)) -> Dict[int, float]:
    """Fraction of samples whose true class is among the ``k`` best scores
    (mmaction2's ``top_k_accuracy``: classes ranked by ``argsort``).

    Args:
        scores (np.ndarray): class scores, (N, C).
        labels (np.ndarray): true class indices in ``[0, C)``, (N,).
        ks (Sequence[int]): values of ``k``, each in ``[1, C]``.

    Returns:
        dict: ``{k: accuracy}`` with accuracies as fractions in [0, 1].
    """
    scores = np.asarray(scores)
    labels = np.asarray(labels)
    if scores.ndim != 2 or scores.shape[0] == 0:
        raise ValueError(f'topk_accuracy: scores must be (N, C) with N > 0, got shape '
                         f'{scores.shape}')
    if not np.isfinite(scores).all():
        raise ValueError('topk_accuracy: scores contain NaN or inf')
    num, num_classes = scores.shape
    if labels.shape != (num, ) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f'topk_accuracy: labels must be {num} integers, got shape '
                         f'{labels.shape} dtype {labels.dtype}')
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f'topk_accuracy: labels must lie in [0, {num_classes}), got range '
                         f'[{labels.min()}, {labels.max()}]')
    for k in ks:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) \
                or not 1 <= k <= num_classes:
            raise ValueError(f'topk_accuracy: k must be an int in [1, {num_classes}], got {k!r}')
    ks = [int(k) for k in ks]
    return {k: float(acc) for k, acc in zip(ks, top_k_accuracy(scores, labels, ks))}


def stream_complementarity(scores: Sequence[np.ndarray], labels: np.ndarray
                           ) -> Dict[str, float]:
    """How much several streams' top-1 predictions differ, which bounds what fusing
    them can add: ``agreement``, the fraction of samples on which two streams predict
    the same class (mean over the pairs), and ``oracle``, the fraction on which at least
    one stream is right (the fusion's ceiling if it always picked a right stream).

    Args:
        scores (Sequence[np.ndarray]): two or more (N, C) arrays, same sample order.
        labels (np.ndarray): true class indices, (N,).
    """
    if len(scores) < 2:
        raise ValueError(f'stream_complementarity: needs two or more streams, got '
                         f'{len(scores)}')
    for s in scores:  # shape, finiteness and labels checked as for the accuracy
        topk_accuracy(s, labels, (1, ))
    preds = [np.asarray(s).argmax(1) for s in scores]
    pairs = [(a, b) for i, a in enumerate(preds) for b in preds[i + 1:]]
    agreement = np.mean([np.mean(a == b) for a, b in pairs])
    oracle = np.mean(np.any([p == np.asarray(labels) for p in preds], axis=0))
    return dict(agreement=float(agreement), oracle=float(oracle))
