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

from cmd_mmaction.skeleton.pre_normalize import cmd_pre_normalize
from cmd_mmaction.skeleton.temporal import resize_time
from cmd_mmaction.utils.safe_pickle import safe_load


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='PoseDataset pickle')
    parser.add_argument('--bank', default='xsub_train', help='split the neighbours come from')
    parser.add_argument('--query', default='xsub_val', help='split that is classified')
    parser.add_argument('--layout', default='nturgb+d', help='skeleton layout')
    parser.add_argument('--frames', type=int, default=32, help='frames after resizing')
    return parser.parse_args(argv)


def features(annotations: List[Dict], layout: str, frames: int) -> np.ndarray:
    """(N, frames * V * 3): body 0, pre-normalised, resized, flattened."""
    out = []
    for ann in annotations:
        body = cmd_pre_normalize(ann['keypoint'], layout)[:1]
        out.append(resize_time(body, frames).reshape(-1))
    return np.stack(out)


def input_knn(data: Dict, bank: str, query: str, layout: str = 'nturgb+d',
              frames: int = 32) -> Dict:
    """Top-1 and per-class top-1 (fractions) of the cosine 1-NN of ``query`` in ``bank``."""
    by_name = {a['frame_dir']: a for a in data['annotations']}
    parts = {}
    for split in (bank, query):
        if split not in data['split']:
            raise KeyError(f'split {split!r} not in the pickle (has: {sorted(data["split"])})')
        anns = [by_name[name] for name in data['split'][split]]
        parts[split] = (features(anns, layout, frames), np.array([a['label'] for a in anns]))
    knn = KNeighborsClassifier(n_neighbors=1, metric='cosine').fit(*parts[bank])
    pred = knn.predict(parts[query][0])
    labels = parts[query][1]
    per_class = {int(c): float((pred[labels == c] == c).mean()) for c in np.unique(labels)}
    return dict(top1=float((pred == labels).mean()), per_class=per_class)


def main(argv: Optional[List[str]] = None) -> Dict:
    args = parse_args(argv)
    result = input_knn(safe_load(args.ann_file), args.bank, args.query, args.layout,
                       args.frames)
    print(f'input 1-NN top-1 ({args.query} against {args.bank}): {100 * result["top1"]:.1f} %')
    print('per class: ' + ', '.join(f'{c}: {100 * v:.0f}' for c, v in result['per_class'].items()))
    return result


if __name__ == '__main__':
    main()
