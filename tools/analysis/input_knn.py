"""How separable are the classes in the input itself? 1-NN on pre-normalised coordinates.

A yardstick for an encoder's kNN numbers: each clip's body 0 after CMD's
pre-normalisation (``CMDPreNormalize``), resized to ``--frames`` frames and flattened,
is matched to its cosine nearest neighbour in the bank split (no learning, no
augmentation). Prints the top-1 and the per-class top-1::

    python tools/analysis/input_knn.py data/synthetic/synthetic_ntu25.pkl
    python tools/analysis/input_knn.py data/nw_ucla/nw_ucla.pkl --bank xview_train \\
        --query xview_val --layout kinect-v1

The README's main job section uses it: on the generated data the input is far easier
than the encoder's numbers suggest.
"""
import argparse
from typing import Dict, List, Optional

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from cmd_mmaction.datasets import SkeletonPoseDataset
from cmd_mmaction.datasets.transforms import CMDPreNormalize
from cmd_mmaction.skeleton.temporal import resize_time


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='PoseDataset pickle')
    parser.add_argument('--bank', default='xsub_train', help='split the neighbours come from')
    parser.add_argument('--query', default='xsub_val', help='split that is classified')
    parser.add_argument('--layout', default='nturgb+d', help='skeleton layout')
    parser.add_argument('--frames', type=int, default=32, help='frames after resizing')
    return parser.parse_args(argv)


def features(ann_file: str, split: str, layout: str, frames: int):
    """(N, frames * V * 3) body 0 of each clip, pre-normalised, resized and flattened,
    and the (N,) labels. The dataset class reads and validates the pickle and its
    transform pre-normalises, so a pickle converted with --normalize is not
    normalised twice."""
    dataset = SkeletonPoseDataset(ann_file, split=split, test_mode=True,
                                  pipeline=[CMDPreNormalize(layout)])
    samples = [dataset[i] for i in range(len(dataset))]
    x = np.stack([resize_time(s['keypoint'][:1], frames).reshape(-1) for s in samples])
    return x, np.array([s['label'] for s in samples])


def input_knn(ann_file: str, bank: str, query: str, layout: str = 'nturgb+d',
              frames: int = 32) -> Dict:
    """Top-1 and per-class top-1 (fractions) of the cosine 1-NN of ``query`` in ``bank``."""
    knn = KNeighborsClassifier(n_neighbors=1, metric='cosine')
    knn.fit(*features(ann_file, bank, layout, frames))
    x, labels = features(ann_file, query, layout, frames)
    pred = knn.predict(x)
    per_class = {int(c): float((pred[labels == c] == c).mean()) for c in np.unique(labels)}
    return dict(top1=float((pred == labels).mean()), per_class=per_class)


def main(argv: Optional[List[str]] = None) -> Dict:
    args = parse_args(argv)
    result = input_knn(args.ann_file, args.bank, args.query, args.layout,
                       args.frames)
    print(f'input 1-NN top-1 ({args.query} against {args.bank}): {100 * result["top1"]:.1f} %')
    print('per class: ' + ', '.join(f'{c}: {100 * v:.0f}' for c, v in result['per_class'].items()))
    return result


if __name__ == '__main__':
    main()
