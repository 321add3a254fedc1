"""Generate the procedural NTU-25 skeleton-action dataset (the default data).

Example:
    python tools/data/generate_synthetic.py --out data/synthetic/synthetic_ntu25.pkl

The default (10 subjects x 12 classes x 10 clips = 1200 clips, ~33 MiB) takes a
few seconds; the output is a PoseDataset pickle with splits xsub_train/xsub_val
(odd/even subjects) and xview_train/xview_val (cameras 2, 3 / camera 1).
"""
import argparse
import os
import time

import numpy as np

from cmd_mmaction.datasets.synthetic import ACTION_CLASSES, write_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/synthetic/synthetic_ntu25.pkl',
                        help='output pickle (written atomically)')
    parser.add_argument('--num-subjects', type=int, default=10,
                        help='subjects 1..N; odd ids train (xsub_train), even ids val')
    parser.add_argument('--clips-per-class', type=int, default=10,
                        help='clips per class per subject')
    parser.add_argument('--num-classes', type=int, default=len(ACTION_CLASSES),
                        help=f'use the first N of the {len(ACTION_CLASSES)} classes')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    data = write_dataset(args.out, num_subjects=args.num_subjects,
                         clips_per_class_per_subject=args.clips_per_class,
                         num_classes=args.num_classes, seed=args.seed)
    anns = data['annotations']
    frames = np.array([a['total_frames'] for a in anns])
    two = np.mean([a['keypoint'].shape[0] == 2 for a in anns])
    dropped = np.mean([bool((a['keypoint'][0] == 0).all(-1).any()) for a in anns])
    print(f'wrote {args.out} ({os.path.getsize(args.out) / 2**20:.1f} MiB) in '
          f'{time.time() - start:.1f} s: {len(anns)} clips, seed {args.seed}')
    print('  splits: ' + ', '.join(f'{k} {len(v)}' for k, v in data['split'].items()))
    print(f'  frames per clip {frames.min()}-{frames.max()} (mean {frames.mean():.0f}); '
          f'{100 * two:.0f}% with a second person; {100 * dropped:.0f}% with dropped joints')
    print(f'  {args.num_classes} classes: ' + ', '.join(
        f'{i}:{name}' for i, name in enumerate(ACTION_CLASSES[:args.num_classes])))


if __name__ == '__main__':
    main()
