"""Fuse the class scores of several streams' ``tools/test.py --dump`` pickles.

Example (joint, motion and bone linear heads, equal weights)::

    python tools/analysis/fuse_results.py joint.pkl motion.pkl bone.pkl
    python tools/analysis/fuse_results.py joint.pkl bone.pkl --weights 2 1 --softmax

The dumps must list the same test samples in the same order (checked). Prints
top-k accuracies (fractions) of every stream and of the weighted mean.
"""
import argparse
import os
import pickle
import sys
from typing import List, Optional

from cmd_mmaction.evaluation.fusion import fuse_scores, softmax, topk_accuracy
from cmd_mmaction.evaluation.prediction_dump import (check_same_samples,
                                                     load_prediction_dump,
                                                     scores_and_labels)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Fuse multi-stream test scores')
    parser.add_argument('dumps', nargs='+', help='prediction pickles from tools/test.py --dump')
    parser.add_argument('--weights', type=float, nargs='+',
                        help='one weight per dump (default: equal)')
    parser.add_argument('--topk', type=int, nargs='+', default=[1, 5],
                        help='k values to report (those above the class count are skipped)')
    parser.add_argument('--softmax', action='store_true',
                        help='turn each stream\'s scores into probabilities before fusing '
                        '(for dumps of raw logits)')
    parser.add_argument('--trust-dumps', action='store_true',
                        help='unpickle with plain pickle (runs code named in the files); '
                        'only for dumps you made that the restricted loader refuses')
    args = parser.parse_args(argv)
    if args.weights is not None and len(args.weights) != len(args.dumps):
        parser.error(f'{len(args.dumps)} dumps need {len(args.dumps)} weights, got '
                     f'{len(args.weights)}')
    return args


def fuse_dumps(paths: List[str], weights: Optional[List[float]] = None,
               ks=(1, 5), use_softmax: bool = False, trusted: bool = False) -> dict:
    """Load, check, fuse and score dumps.

    Returns:
        dict: ``streams``: one ``{k: acc}`` per dump (in order), ``fused``:
        ``{k: acc}`` of the weighted mean; only ``ks`` not above the number of
        classes; accuracies are fractions.
    """
    records = [load_prediction_dump(p, trusted=trusted) for p in paths]
    check_same_samples(records, paths)
    streams = [scores_and_labels(r, source=p) for r, p in zip(records, paths)]
    labels = streams[0][1]
    scores = [softmax(s) if use_softmax else s for s, _ in streams]
    num_classes = scores[0].shape[1]
    for s, p in zip(scores, paths):
        if s.shape[1] != num_classes:
            raise ValueError(f'{p} has {s.shape[1]} classes but {paths[0]} has {num_classes}')
    ks = [k for k in ks if k <= num_classes]
    if not ks:
        raise ValueError(f'no k in --topk is <= the {num_classes} classes')
    return dict(streams=[topk_accuracy(s, labels, ks) for s in scores],
                fused=topk_accuracy(fuse_scores(scores, weights), labels, ks))


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    results = fuse_dumps(args.dumps, args.weights, args.topk, args.softmax, args.trust_dumps)
    weights = args.weights or [1.0] * len(args.dumps)
    rows = [(f'{os.path.basename(p)} (w={w:g})', accs)
            for p, w, accs in zip(args.dumps, weights, results['streams'])]
    rows.append(('fused', results['fused']))
    width = max(len(label) for label, _ in rows)
    for label, accs in rows:
        cells = '  '.join(f'top{k}: {acc:.4f}' for k, acc in accs.items())
        print(f'{label:<{width}}  {cells}')
    return results


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError, pickle.UnpicklingError) as err:
        sys.exit(f'fuse_results: error: {err}')
