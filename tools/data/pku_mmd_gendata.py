"""Cut PKU-MMD phase II action instances into an mmaction2 PoseDataset pickle.

Example:
    python tools/data/pku_mmd_gendata.py --protocol xsub \
        --skeleton-dir data/pku_v2/skeleton --label-dir data/pku_v2/label \
        --split-file data/pku_v2/cross_subject_v2.txt --out data/pku_v2_xsub.pkl
"""
import argparse

from cmd_mmaction.datasets.converters.cli import (add_normalize_argument, add_policy_arguments,
                                                  run_and_report)
from cmd_mmaction.datasets.converters.pku_mmd import MAX_FRAMES, PROTOCOLS, convert_pku_mmd


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--skeleton-dir', required=True, help='<video>.txt skeleton files')
    parser.add_argument('--label-dir', required=True, help='<video>.txt label files')
    parser.add_argument('--split-file', required=True,
                        help='cross_subject_v2.txt or cross_view_v2.txt')
    parser.add_argument('--protocol', choices=PROTOCOLS, default='xsub',
                        help='names the splits <protocol>_train / <protocol>_val')
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument('--max-frames', type=int, default=MAX_FRAMES,
                        help='truncate each instance to this many frames')
    add_normalize_argument(parser)
    add_policy_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_and_report(lambda: convert_pku_mmd(
        args.skeleton_dir, args.label_dir, args.split_file, args.out, protocol=args.protocol,
        max_frames=args.max_frames, normalize=args.normalize, strict=args.strict,
        progress=args.progress))


if __name__ == '__main__':
    main()
