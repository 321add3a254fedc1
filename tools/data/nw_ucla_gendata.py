"""Convert Northwestern-UCLA JSON clips into an mmaction2 PoseDataset pickle (layout kinect-v1).

Cross-view splits xview_train (views 1, 2) / xview_val (view 3), plus the tuning splits
xview_train_tune (view 1) / xview_val_tune (view 2) for choosing recipes without view 3.

Example:
    python tools/data/nw_ucla_gendata.py --data-dir ../shared/data/nw_ucla/all_sqe \
        --out data/nw_ucla/nw_ucla.pkl
"""
import argparse

from cmd_mmaction.datasets.converters.cli import (add_normalize_argument, add_policy_arguments,
                                                  run_and_report)
from cmd_mmaction.datasets.converters.nw_ucla import convert_nw_ucla


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data-dir', required=True,
                        help='directory of aAA_sSS_eEE_vVV.json files (all_sqe)')
    parser.add_argument('--out', required=True, help='output .pkl')
    add_normalize_argument(parser)
    add_policy_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_and_report(lambda: convert_nw_ucla(
        args.data_dir, args.out, normalize=args.normalize, strict=args.strict,
        progress=args.progress))


if __name__ == '__main__':
    main()
