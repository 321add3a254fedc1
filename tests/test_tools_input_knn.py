"""tools/analysis/input_knn.py: the input-space 1-NN yardstick."""
import importlib.util
import os.path as osp

import numpy as np
import pytest

from cmd_mmaction.datasets.synthetic import write_dataset
from cmd_mmaction.skeleton.pre_normalize import cmd_pre_normalize, normalization_record
from cmd_mmaction.skeleton.temporal import resize_time
from cmd_mmaction.utils.atomic_io import pickle_dump_atomic
from cmd_mmaction.utils.safe_pickle import safe_load

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    'input_knn', osp.join(ROOT, 'tools/analysis/input_knn.py'))
input_knn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(input_knn)


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp('input_knn') / 'gen.pkl'
    write_dataset(str(path), num_subjects=2, clips_per_class_per_subject=2, num_classes=4)
    return str(path)


def test_matches_a_hand_computed_nearest_neighbour(data):
    d = safe_load(data)
    by_name = {a['frame_dir']: a for a in d['annotations']}

    def part(split):
        anns = [by_name[n] for n in d['split'][split]]
        x = np.stack([resize_time(cmd_pre_normalize(a['keypoint'])[:1], 16).ravel()
                      for a in anns])
        return x / np.linalg.norm(x, axis=1, keepdims=True), np.array([a['label'] for a in anns])

    (xb, yb), (xq, yq) = part('xsub_train'), part('xsub_val')
    pred = yb[(xq @ xb.T).argmax(1)]
    result = input_knn.main([data, '--frames', '16'])
    assert result['top1'] == pytest.approx((pred == yq).mean())
    assert sorted(result['per_class']) == sorted(set(yq.tolist()))
    for c, acc in result['per_class'].items():
        assert acc == pytest.approx((pred[yq == c] == c).mean())


def test_unknown_split_is_named_with_the_file(data):
    with pytest.raises(ValueError, match=r"gen\.pkl: unknown split 'nope'"):
        input_knn.main([data, '--query', 'nope'])


def test_a_pre_normalised_pickle_is_not_normalised_twice(data, tmp_path):
    d = safe_load(data)
    for ann in d['annotations']:
        ann['keypoint'] = cmd_pre_normalize(ann['keypoint'])
    d['pre_normalized'] = normalization_record('cmd', 'nturgb+d')
    path = str(tmp_path / 'normalized.pkl')
    pickle_dump_atomic(d, path)
    assert input_knn.main([path]) == input_knn.main([data])
