"""Convert NTU RGB+D 60 / 120 raw ``.skeleton`` files into an mmaction2 PoseDataset pickle.

Example:
    python tools/data/ntu_gendata.py --benchmark ntu60 \
        --data-dir data/nturgb+d_skeletons \
        --missing-list data/NTU_RGBD60_samples_with_missing_skeletons.txt \
        --out data/ntu60_3d.pkl
"""
import argparse

from cmd_mmaction.datasets.converters.cli import (add_normalize_argument, add_policy_arguments,
                                                  run_and_report)
from cmd_mmaction.datasets.converters.ntu import BENCHMARKS, convert_ntu


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data-dir', nargs='+', required=True,
                        help='directory (or directories, e.g. the two NTU-120 halves) of '
                             '.skeleton files')
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument('--benchmark', choices=sorted(BENCHMARKS), default='ntu60',
                        help='ntu60: xsub/xview splits; ntu120: xsub/xset splits')
    parser.add_argument('--missing-list', default=None,
                        help='official list of samples with missing skeletons (skipped)')
    add_normalize_argument(parser)
    add_policy_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_and_report(lambda: convert_ntu(
        args.data_dir, args.out, benchmark=args.benchmark, missing_list=args.missing_list,
        normalize=args.normalize, strict=args.strict, progress=args.progress))


if __name__ == '__main__':
    main()
