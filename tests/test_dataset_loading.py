"""SkeletonPoseDataset: registry build, mmaction2 behaviour, validation, safe loading."""
import os
import pickle

import numpy as np
import pytest
from mmengine.registry import DefaultScope

import cmd_mmaction  # noqa: F401  (registers SkeletonPoseDataset)
from mmaction.registry import DATASETS
from cmd_mmaction.datasets.subset import per_class_keep_count
from cmd_mmaction.datasets.synthetic import generate_dataset


def _build(ann_file, **kwargs):
    cfg = dict(type='SkeletonPoseDataset', ann_file=str(ann_file), pipeline=[])
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def _sample(name, label=0, shape=(1, 6, 25, 3), dtype=np.float32):
    kp = np.random.default_rng(abs(hash(name)) % 2**32).normal(size=shape).astype(dtype)
    return dict(frame_dir=name, label=label, total_frames=shape[1], img_shape=(1080, 1920),
                original_shape=(1080, 1920), keypoint=kp)


def _write(path, annotations, split=None):
    split = split or dict(train=[a['frame_dir'] for a in annotations])
    with open(path, 'wb') as f:
        pickle.dump(dict(split=split, annotations=annotations), f)
    return path


@pytest.fixture(scope='module')
def synthetic_pkl(tmp_path_factory):
    path = tmp_path_factory.mktemp('ds') / 'syn.pkl'
    with open(path, 'wb') as f:
        pickle.dump(generate_dataset(num_subjects=2, clips_per_class_per_subject=2, seed=4), f)
    return path


def test_builds_from_registry_like_posedataset(synthetic_pkl):
    train = _build(synthetic_pkl, split='xsub_train', num_joints=25, num_classes=12)
    val = _build(synthetic_pkl, split='xsub_val', test_mode=True)
    assert len(train) == len(val) == 24
    info = train.get_data_info(0)
    assert info['keypoint'].shape[2:] == (25, 3) and info['modality'] == 'Pose'
    assert {train.get_data_info(i)['frame_dir'] for i in range(24)}.isdisjoint(
        {val.get_data_info(i)['frame_dir'] for i in range(24)})
    assert len(_build(synthetic_pkl)) == 48  # no split: every annotation


def test_stock_skeleton_pipeline_runs(synthetic_pkl):
    pipeline = [dict(type='PreNormalize3D'),
                dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
                dict(type='UniformSampleFrames', clip_len=16),
                dict(type='PoseDecode'),
                dict(type='FormatGCNInput', num_person=2),
                dict(type='PackActionInputs')]
    with DefaultScope.overwrite_default_scope('mmaction'):  # stock transforms by name
        ds = _build(synthetic_pkl, split='xsub_train', pipeline=pipeline)
    out = ds[3]
    assert tuple(out['inputs'].shape) == (1, 2, 16, 25, 3)
    assert int(out['data_samples'].gt_label) == ds.get_data_info(3)['label']


def test_list_format_and_total_frames_filled(tmp_path):
    sample = _sample('a')
    del sample['total_frames']
    path = tmp_path / 'list.pkl'
    with open(path, 'wb') as f:
        pickle.dump([sample, _sample('b')], f)
    ds = _build(path)
    assert len(ds) == 2 and ds.get_data_info(0)['total_frames'] == 6


def test_label_fraction_keeps_a_seeded_per_class_subset(synthetic_pkl):
    full = _build(synthetic_pkl, split='xsub_train')
    labels = np.array([full.get_data_info(i)['label'] for i in range(len(full))])
    part = _build(synthetic_pkl, split='xsub_train', label_fraction=0.5, subset_seed=1)
    kept = np.array([part.get_data_info(i)['label'] for i in range(len(part))])
    for c in np.unique(labels):
        assert (kept == c).sum() == per_class_keep_count(int((labels == c).sum()), 0.5)
    again = _build(synthetic_pkl, split='xsub_train', label_fraction=0.5, subset_seed=1)
    names = [part.get_data_info(i)['frame_dir'] for i in range(len(part))]
    assert names == [again.get_data_info(i)['frame_dir'] for i in range(len(again))]
    with pytest.raises(ValueError, match='label_fraction'):
        _build(synthetic_pkl, split='xsub_train', label_fraction=0.0)


def _bad(tmp_path, name, mutate):
    good = [_sample('S001C001P001R001A001'), _sample('S001C001P002R001A002', label=1)]
    bad = _sample(name)
    mutate(bad)
    return _write(tmp_path / f'bad_{name}.pkl', good + [bad])


def _set(key, value):
    return lambda s: s.__setitem__(key, value)


@pytest.mark.parametrize('mutate, build_kwargs, problem', [
    (_set('keypoint', np.zeros((6, 25, 3), np.float32)), {}, '4-D'),
    (_set('keypoint', np.zeros((1, 6, 25, 4), np.float32)), {}, 'C = 2 or 3'),
    (_set('keypoint', np.zeros((1, 6, 25, 3), np.int64)), {}, 'float'),
    (_set('keypoint', [[0.0]]), {}, 'numpy array'),
    (lambda s: s['keypoint'].__setitem__((0, 2, 5, 1), np.nan), {}, 'NaN/Inf'),
    (lambda s: s['keypoint'].__setitem__((0, 3, 0, 0), np.inf), {}, 'NaN/Inf'),
    (lambda s: s.update(keypoint=np.zeros((1, 0, 25, 3), np.float32), total_frames=0), {},
     'empty sequence'),
    (_set('keypoint', np.zeros((1, 6, 20, 3), np.float32)), dict(num_joints=25), 'V = 20'),
    (_set('total_frames', 7), {}, 'total_frames = 7'),
    (_set('label', 12), dict(num_classes=12), 'out of range'),
    (_set('label', -1), {}, 'out of range'),
    (_set('label', 1.0), {}, 'must be an int'),
    (_set('label', True), {}, 'must be an int'),
    (lambda s: s.pop('label'), dict(num_classes=12), 'no "label"'),
    (lambda s: s.pop('keypoint'), {}, 'no "keypoint"'),
])
def test_bad_sample_is_named_with_file_and_problem(tmp_path, mutate, build_kwargs, problem):
    name = 'S001C003P009R002A004'
    path = _bad(tmp_path, name, mutate)
    with pytest.raises(ValueError) as err:
        _build(path, split='train', **build_kwargs)
    message = str(err.value)
    assert str(path) in message and name in message and problem in message, message


def test_unknown_split_lists_available_splits(synthetic_pkl):
    with pytest.raises(ValueError) as err:
        _build(synthetic_pkl, split='xsub_test')
    message = str(err.value)
    assert str(synthetic_pkl) in message and "'xsub_test'" in message
    assert all(s in message for s in ('xsub_train', 'xsub_val', 'xview_train', 'xview_val'))


def test_duplicate_names_are_refused(tmp_path):
    path = _write(tmp_path / 'dup.pkl', [_sample('A'), _sample('B'), _sample('A', label=2)])
    with pytest.raises(ValueError, match='duplicate') as err:
        _build(path)
    assert str(path) in str(err.value) and "'A'" in str(err.value)


def test_bad_file_level_content(tmp_path):
    path = tmp_path / 'weird.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(foo=1), f)
    with pytest.raises(ValueError, match='annotations') as err:
        _build(path)
    assert str(path) in str(err.value)
    with pytest.raises(FileNotFoundError, match='missing.pkl'):
        _build(tmp_path / 'missing.pkl')
    with pytest.raises(ValueError, match=r'\.pkl'):
        _build(tmp_path / 'ann.json')
    no_split = tmp_path / 'nosplit.pkl'
    with open(no_split, 'wb') as f:
        pickle.dump([_sample('a')], f)
    with pytest.raises(ValueError, match='no "split"'):
        _build(no_split, split='train')


class _Exploit:
    """Unpickling this would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_malicious_pickle_is_refused_without_running(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pkl'
    sample = _sample('S001C001P001R001A001')
    sample['payload'] = _Exploit(marker)
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=['S001C001P001R001A001']), annotations=[sample]), f)
    with pytest.raises(pickle.UnpicklingError) as err:
        _build(path, split='train')
    assert str(path) in str(err.value) and 'system' in str(err.value)
    assert not marker.exists()
    # plain pickle would have run it: the test's payload is real
    with open(path, 'rb') as f:
        pickle.load(f)
    assert marker.exists()


def test_getattr_gadget_is_refused(tmp_path):
    path = tmp_path / 'gadget.pkl'
    # GLOBAL builtins.getattr, the classic way to reach os.system from an allowed module
    with open(path, 'wb') as f:
        f.write(b'cbuiltins\ngetattr\n(cbuiltins\ndict\nVget\ntR.')
    with pytest.raises(pickle.UnpicklingError, match='builtins.getattr') as err:
        _build(path)
    assert str(path) in str(err.value)


def test_per_sample_skeleton_files_are_loaded_safely(tmp_path):
    (tmp_path / 'skel').mkdir()
    ann = [dict(frame_dir='s1', label=0), dict(frame_dir='s2', label=1)]
    _write(tmp_path / 'index.pkl', ann)
    good = _sample('s1')
    with open(tmp_path / 'skel' / 's1.pkl', 'wb') as f:
        pickle.dump(dict(keypoint=good['keypoint'], total_frames=6), f)
    bad = np.zeros((1, 6, 25, 3), np.float32)
    bad[0, 0, 0, 0] = np.nan
    with open(tmp_path / 'skel' / 's2.pkl', 'wb') as f:
        pickle.dump(dict(keypoint=bad, total_frames=6), f)
    ds = _build(tmp_path / 'index.pkl', split='train',
                data_prefix=dict(skeleton=str(tmp_path / 'skel')))
    assert np.array_equal(ds.get_data_info(0)['keypoint'], good['keypoint'])
    with pytest.raises(ValueError, match='NaN') as err:
        ds.get_data_info(1)
    assert 's2.pkl' in str(err.value) and "'s2'" in str(err.value)
