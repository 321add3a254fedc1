"""Convert MSR Action3D skeleton files into an mmaction2 PoseDataset pickle (layout msr20).

Example:
    python tools/data/msr_action3d_gendata.py --data-dir ../shared/data/msr_action3d \
        --out data/msr_action3d.pkl
"""
import argparse

from cmd_mmaction.datasets.converters.cli import (add_normalize_argument, add_policy_arguments,
                                                  run_and_report)
from cmd_mmaction.datasets.converters.msr_action3d import DEFAULT_FILE_LIST, convert_msr_action3d


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data-dir', required=True,
                        help='directory of aAA_sSS_eEE_skeleton3D.txt files')
    parser.add_argument('--out', required=True, help='output .pkl')
    files = parser.add_mutually_exclusive_group()
    files.add_argument('--file-list', default=None,
                       help='names to convert, one per line (default: '
                            f'{DEFAULT_FILE_LIST} in --data-dir when present)')
    files.add_argument('--all-files', action='store_true',
                       help='convert every file in --data-dir')
    add_normalize_argument(parser)
    add_policy_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_and_report(lambda: convert_msr_action3d(
        args.data_dir, args.out, file_list=args.file_list, use_all=args.all_files,
        normalize=args.normalize, strict=args.strict, progress=args.progress))


if __name__ == '__main__':
    main()
