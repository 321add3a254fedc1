"""Seeded per-class labelled subsets for semi-supervised protocols."""
from typing import Sequence

import numpy as np

__all__ = ['per_class_subset', 'per_class_keep_count']


def per_class_keep_count(num_in_class: int, fraction: float) -> int:
    """How many of ``num_in_class`` samples a class keeps at ``fraction``.

    ``max(1, round_half_up(fraction * num_in_class))``, capped at the class size.
    Halves round **up** (2.5 -> 3, unlike Python's ``round``); the product is
    first rounded to 6 decimals so that float noise (``0.1 * 15 =
    1.5000000000000002``) cannot move a value across a half.
    """
    want = int(np.floor(round(fraction * num_in_class, 6) + 0.5))
    return min(num_in_class, max(1, want))


def per_class_subset(labels: Sequence[int], fraction: float, seed: int = 0) -> np.ndarray:
    """Pick a labelled subset with the same fraction of every class.

    Classes are visited in increasing label order and, for each, the kept
    samples are drawn without replacement by one ``np.random.default_rng(seed)``
    generator, so the result depends only on ``(labels, fraction, seed)``.

    Args:
        labels (Sequence[int]): label of each sample, shape (N,).
        fraction (float): fraction to keep, in (0, 1]; see
            :func:`per_class_keep_count` for the rounding (at least one per class).
        seed (int): subset seed (report results as mean ± std over seeds).

    Returns:
        np.ndarray: sorted int64 indices into ``labels``, shape (K,).
    """
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.floating)) \
            or not 0 < float(fraction) <= 1:
        raise ValueError(f'label fraction must be a number in (0, 1], got {fraction!r}')
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f'labels must be 1-D, got shape {labels.shape}')
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f'labels must be integers, got dtype {labels.dtype}')
    rng = np.random.default_rng(seed)
    kept = []
    for cls in np.unique(labels):
        members = np.flatnonzero(labels == cls)
        count = per_class_keep_count(len(members), float(fraction))
        kept.append(rng.choice(members, size=count, replace=False))
    return np.sort(np.concatenate(kept)).astype(np.int64)
