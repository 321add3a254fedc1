"""Add a tuning split to a PoseDataset pickle: hold out some groups of a training split.

Recipes and hyper-parameters are then chosen on ``<prefix>_train_tune`` /
``<prefix>_val_tune`` without touching the test split
(``cmd_mmaction/datasets/tuning_split.py``). The group of a sample is read from its
name by a pattern: ``ntu-subject``, ``ntu-camera``, ``ntu-setup``, ``msr-subject``,
``nw-ucla-view``, or a regular expression with one capture group.

Examples::

    # NTU-60 xsub: subjects 1 and 4 of xsub_train validate -> xsub_train_tune / xsub_val_tune
    python tools/data/add_tuning_split.py data/skeleton/ntu60_3d.pkl --train-split xsub_train \\
        --group ntu-subject --holdout 1 4
    # then pretrain with the monitor on it
    python tools/train.py CONFIG --cfg-options monitor_bank_split=xsub_train_tune \\
        monitor_query_split=xsub_val_tune

The pickle is rewritten atomically (``--out`` writes a copy instead); existing splits of
the same names are refused unless ``--force``.
"""
import argparse
import sys

from cmd_mmaction.datasets.tuning_split import GROUP_PATTERNS, TuningSplit
from cmd_mmaction.utils.atomic_io import pickle_dump_atomic
from cmd_mmaction.utils.safe_pickle import safe_load


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file', help='PoseDataset pickle')
    parser.add_argument('--train-split', required=True, help='the split to cut, e.g. xsub_train')
    parser.add_argument('--group', required=True,
                        help=f'{", ".join(GROUP_PATTERNS)} or a regex with one capture group')
    parser.add_argument('--holdout', required=True, nargs='+',
                        help='the groups that validate, e.g. 1 4 (subjects P001, P004)')
    parser.add_argument('--out', help='write here instead of rewriting ann_file')
    parser.add_argument('--force', action='store_true', help='replace existing tuning splits')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    tuning = TuningSplit(args.train_split, args.group, tuple(args.holdout))
    try:
        data = safe_load(args.ann_file)
        if not isinstance(data, dict) or not isinstance(data.get('split'), dict):
            raise ValueError('not a PoseDataset pickle (a dict with a "split" dict)')
        new = tuning.carve(data['split'])
        clash = sorted(set(new) & set(data['split']))
        if clash and not args.force:
            raise ValueError(f'split(s) {", ".join(clash)} exist already (--force replaces)')
    except (OSError, ValueError) as err:
        sys.exit(f'error: {args.ann_file}: {err}')
    data['split'].update(new)
    out = args.out or args.ann_file
    pickle_dump_atomic(data, out)
    print(f'wrote {out}: ' + ', '.join(f'{k} {len(v)}' for k, v in new.items()))
    return new


if __name__ == '__main__':
    main()
