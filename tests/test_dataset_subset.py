"""Seeded per-class labelled subsets."""
import numpy as np
import pytest

from cmd_mmaction.datasets.subset import per_class_keep_count, per_class_subset

# class sizes 10, 3, 1, 25, 15 (labels deliberately not contiguous and shuffled)
SIZES = {0: 10, 1: 3, 4: 1, 7: 25, 9: 15}
LABELS = np.random.default_rng(0).permutation(
    np.concatenate([np.full(n, c) for c, n in SIZES.items()]))


def _counts(indices):
    return {c: int((LABELS[indices] == c).sum()) for c in SIZES}


@pytest.mark.parametrize('fraction, expected', [
    # max(1, round_half_up(fraction * n)): 1.0->1, 0.3->1, 0.1->1, 2.5->3, 1.5->2
    (0.1, {0: 1, 1: 1, 4: 1, 7: 3, 9: 2}),
    # 5, 1.5->2, 0.5->1, 12.5->13, 7.5->8
    (0.5, {0: 5, 1: 2, 4: 1, 7: 13, 9: 8}),
    (1.0, SIZES),
])
def test_per_class_counts_by_hand(fraction, expected):
    keep = per_class_subset(LABELS, fraction, seed=0)
    assert _counts(keep) == expected
    assert keep.dtype == np.int64
    assert np.array_equal(keep, np.unique(keep))  # sorted, no repeats


def test_keep_count_rounding():
    assert per_class_keep_count(15, 0.1) == 2      # 1.5000000000000002 -> 2 (half up)
    assert per_class_keep_count(25, 0.1) == 3      # 2.5 -> 3 (Python's round gives 2)
    assert per_class_keep_count(24, 0.1) == 2      # 2.4 -> 2
    assert per_class_keep_count(4, 0.01) == 1      # at least one per class
    assert per_class_keep_count(3, 1.0) == 3


def test_deterministic_and_seed_dependent():
    a = per_class_subset(LABELS, 0.2, seed=3)
    b = per_class_subset(list(LABELS), 0.2, seed=3)
    assert np.array_equal(a, b)
    others = [per_class_subset(LABELS, 0.2, seed=s) for s in range(4, 9)]
    assert all(_counts(o) == _counts(a) for o in others)
    assert any(not np.array_equal(a, o) for o in others)


def test_at_least_one_per_class_and_only_own_class():
    keep = per_class_subset(LABELS, 0.01, seed=1)
    assert _counts(keep) == {c: 1 for c in SIZES}
    # a tiny fraction keeps exactly one random member of each class
    seen = {tuple(per_class_subset(LABELS, 0.01, seed=s)) for s in range(20)}
    assert len(seen) > 1


def test_edge_cases_and_bad_input():
    assert per_class_subset([], 0.5, 0).size == 0
    with pytest.raises(ValueError, match='fraction'):
        per_class_subset(LABELS, 0.0, 0)
    with pytest.raises(ValueError, match='fraction'):
        per_class_subset(LABELS, 1.5, 0)
    with pytest.raises(ValueError, match='fraction'):
        per_class_subset(LABELS, True, 0)
    with pytest.raises(ValueError, match='integers'):
        per_class_subset([0.5, 1.0], 0.5, 0)
    with pytest.raises(ValueError, match='1-D'):
        per_class_subset(np.zeros((2, 2), int), 0.5, 0)
