"""``import cmd_mmaction`` makes mmengine's pickle loading (stock mmaction2 datasets) safe.

mmaction2's own ``PoseDataset`` (a config copied from mmaction2) reads its annotation
file with ``mmengine.load``, which would ``pickle.load`` it; after ``import cmd_mmaction``
the restricted unpickler reads it (``cmd_mmaction/compat.py``).
"""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.fileio import dump, load

import cmd_mmaction  # noqa: F401
from cmd_mmaction.datasets.synthetic import write_dataset
from mmaction.registry import DATASETS


class _Exploit:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def _stock_pose_dataset(ann_file, split):
    # what a config copied from mmaction2 builds: type='PoseDataset', mmaction2's class
    return DATASETS.build(dict(type='PoseDataset', ann_file=str(ann_file), split=split,
                               pipeline=[]))


def test_stock_pose_dataset_refuses_a_crafted_annotation_pickle(tmp_path):
    marker, ann = tmp_path / 'pwned', tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(dict(split=dict(train=['a']), annotations=[
        dict(frame_dir='a', label=0, total_frames=1, keypoint=_Exploit(marker))])))
    with pytest.raises(pickle.UnpicklingError) as info:
        _stock_pose_dataset(ann, 'train')
    assert str(info.value).startswith(f'{ann}: ')
    assert "forbidden global 'posix.system'" in str(info.value)
    assert not marker.exists()
    pickle.loads(ann.read_bytes())  # the payload is real: plain pickle runs it
    assert marker.exists()


def test_stock_pose_dataset_loads_a_legitimate_pickle(tmp_path):
    ann = tmp_path / 'tiny.pkl'
    data = write_dataset(str(ann), num_subjects=2, clips_per_class_per_subject=1, seed=0)
    dataset = _stock_pose_dataset(ann, 'xsub_train')
    assert type(dataset).__name__ == 'PoseDataset' and type(dataset).__module__.startswith(
        'mmaction.')
    assert len(dataset) == len(data['split']['xsub_train']) > 0
    first = dataset.get_data_info(0)
    expected = next(a for a in data['annotations'] if a['frame_dir'] == first['frame_dir'])
    np.testing.assert_array_equal(first['keypoint'], expected['keypoint'])


def test_mmengine_dump_and_load_still_work(tmp_path):
    """Dumping is unchanged; plain data and CPU tensors (``--dump`` files) load back."""
    records = [dict(pred_score=torch.tensor([0.25, 0.75]), gt_label=torch.tensor([1]),
                    frame_dir='a', shape=(2, 3), arr=np.arange(4.))]
    for suffix in ('pkl', 'pickle'):
        path = tmp_path / f'dump.{suffix}'
        dump(records, str(path))
        back = load(str(path))
        assert torch.equal(back[0]['pred_score'], records[0]['pred_score'])
        assert back[0]['frame_dir'] == 'a' and back[0]['shape'] == (2, 3)
        np.testing.assert_array_equal(back[0]['arr'], records[0]['arr'])
    assert pickle.loads(dump(records, file_format='pkl'))[0]['frame_dir'] == 'a'
    with open(tmp_path / 'dump.pkl', 'rb') as f:  # a file object, also restricted
        assert load(f, file_format='pkl')[0]['frame_dir'] == 'a'
