"""Import of preprocessed (N, C, T, V, M) arrays with CrosSCLR / CMD label pickles."""
import os
import pickle

import numpy as np
import pytest

from cmd_mmaction.datasets.converters.common import BadFileError
from cmd_mmaction.datasets.converters.preprocessed import (PreprocessedPart,
                                                           import_preprocessed,
                                                           safe_load_label_pickle,
                                                           valid_length)
from fixtures_skeleton import load_tool

T = 10


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def make_data(seed=0):
    """4 samples: lengths 10, 6 (1 body), 3 (zero frame inside), 0 (all zeros)."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(4, 3, T, 25, 2)).astype(np.float32)
    data[1, :, 6:] = 0
    data[1, :, :, :, 1] = 0  # sample 1: second body absent
    data[2, :, 3:] = 0
    data[2, :, 1] = 0  # an all-zero frame inside the valid range is kept
    data[3] = 0
    return data


def write_part(tmp_path, prefix, data, label_obj, protocol=4):
    data_path = tmp_path / f'{prefix}_data.npy'
    label_path = tmp_path / f'{prefix}_label.pkl'
    np.save(data_path, data)
    with open(label_path, 'wb') as f:
        pickle.dump(label_obj, f, protocol=protocol)
    return data_path, label_path


def test_valid_length_by_hand():
    data = make_data()
    assert [valid_length(d) for d in data] == [10, 6, 3, 0]


def test_import_without_num_frame(tmp_path):
    data = make_data()
    names = [f'S001C001P00{i}R001A001.skeleton' for i in range(4)]
    d, l = write_part(tmp_path, 'val', data, (names, [0, 5, 7, 2]))
    out = tmp_path / 'val.pkl'
    summary = import_preprocessed([PreprocessedPart(d, l, 'xsub_val')], out, progress=False)
    result = load(out)
    assert result['split'] == dict(xsub_val=[n[:-9] for n in names[:3]])
    anns = result['annotations']
    assert [a['label'] for a in anns] == [0, 5, 7]
    assert [a['keypoint'].shape for a in anns] == [(2, 10, 25, 3), (1, 6, 25, 3),
                                                   (2, 3, 25, 3)]
    # (C, T, V, M) -> (M, T, V, C) with the right values
    np.testing.assert_array_equal(anns[0]['keypoint'], data[0].transpose(3, 1, 2, 0))
    np.testing.assert_array_equal(anns[1]['keypoint'][0], data[1, :, :6, :, 0].transpose(1, 2, 0))
    assert np.all(anns[2]['keypoint'][:, 1] == 0)
    assert [(s.name, s.reason) for s in summary.skipped] == [(names[3], 'all zeros')]


def test_import_with_num_frame_and_frame_counts(tmp_path):
    data = make_data()
    names = ['a', 'b', 'c', 'd']
    d, l = write_part(tmp_path, 'train', data,
                      [names, np.array([1, 2, 3, 4]), np.array([4, 6, 3, 25])], protocol=2)
    out = tmp_path / 'train.pkl'
    summary = import_preprocessed([PreprocessedPart(d, l, 'xsub_train')], out, progress=False)
    anns = {a['frame_dir']: a for a in load(out)['annotations']}
    assert anns['a']['total_frames'] == 4  # frame count from the label pickle
    np.testing.assert_array_equal(anns['a']['keypoint'], data[0, :, :4].transpose(3, 1, 2, 0))
    assert 'd' not in anns and summary.num_skipped == 1  # 25 > T but all zeros

    num_frame = tmp_path / 'num_frame.npy'
    np.save(num_frame, np.array([8, 6, 2, 1]))
    import_preprocessed([PreprocessedPart(d, l, 'xsub_train', num_frame)], out,
                        progress=False)
    anns = {a['frame_dir']: a for a in load(out)['annotations']}
    assert [anns[n]['total_frames'] for n in 'abc'] == [8, 6, 2]  # num_frame.npy wins


def test_raw_frame_count_above_t(tmp_path):
    data = make_data()[:1]
    d, l = write_part(tmp_path, 'ikem', data, (['x'], [3], [103]))
    out = tmp_path / 'ikem.pkl'
    import_preprocessed([PreprocessedPart(d, l, 'xsub_train')], out, progress=False)
    ann = load(out)['annotations'][0]
    assert ann['total_frames'] == T and ann['raw_total_frames'] == 103


def test_merge_train_val_via_cli(tmp_path, capsys):
    data = make_data()
    dt, lt = write_part(tmp_path, 'train', data[:2], (['t0', 't1'], [1, 2]))
    dv, lv = write_part(tmp_path, 'val', data[2:], (['v0', 'v1'], [3, 4]))
    out = tmp_path / 'merged.pkl'
    tool = load_tool('import_preprocessed')
    summary = tool.main(['--split-prefix', 'xsub', '--train-data', str(dt), '--train-label',
                         str(lt), '--val-data', str(dv), '--val-label', str(lv), '--out',
                         str(out), '--no-progress', '--pre-normalized', 'cmd'])
    assert summary.written == 3
    assert load(out)['split'] == dict(xsub_train=['t0', 't1'], xsub_val=['v0'])
    # the arrays' pre-normalisation is recorded, so CMDPreNormalize leaves them alone
    assert load(out)['pre_normalized'] == dict(method='cmd', layout='nturgb+d')
    assert 'written: 3' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        tool.main(['--data', str(dt), '--split-prefix', 'xsub', '--out', str(out),
                   '--pre-normalized', 'none'])
    with pytest.raises(SystemExit):  # no --split
        tool.main(['--data', str(dt), '--label', str(lt), '--out', str(out),
                   '--pre-normalized', 'none'])
    with pytest.raises(SystemExit):  # what the arrays went through must be stated
        tool.main(['--data', str(dt), '--label', str(lt), '--split', 'xsub_val',
                   '--out', str(out)])


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_restricted_unpickler_refuses_classes(tmp_path):
    path = tmp_path / 'evil.pkl'
    with open(path, 'wb') as f:
        pickle.dump((['a'], [Evil()]), f)
    with pytest.raises(ValueError, match='refusing to unpickle forbidden global'):
        safe_load_label_pickle(path)
    with open(path, 'wb') as f:
        pickle.dump((['a'], [np.int64(3)], np.array([5.0])), f, protocol=2)
    names, labels, counts = safe_load_label_pickle(path)
    assert labels == [3] and counts.tolist() == [5.0]


def test_bad_inputs(tmp_path):
    data = make_data()
    d, l = write_part(tmp_path, 'x', data, (['a', 'b'], [1, 2]))
    with pytest.raises(BadFileError, match='2 names but .* has 4 samples'):
        import_preprocessed([PreprocessedPart(d, l, 's')], tmp_path / 'o.pkl', progress=False)
    d, l = write_part(tmp_path, 'y', data, (['a', 'b', 'c', 'd'], [1, -1, 2, 3]))
    with pytest.raises(BadFileError, match=r'sample 1 \(b\): negative label'):
        import_preprocessed([PreprocessedPart(d, l, 's')], tmp_path / 'o.pkl', strict=True,
                            progress=False)
    summary = import_preprocessed([PreprocessedPart(d, l, 's')], tmp_path / 'o.pkl',
                                  progress=False)
    assert {s.name: s.reason for s in summary.skipped}['b'] == 'bad label'
    np.save(tmp_path / 'z.npy', np.zeros((2, 3, 4, 25)))
    with pytest.raises(BadFileError, match=r'\(N, C=3, T, V, M\)'):
        import_preprocessed([PreprocessedPart(tmp_path / 'z.npy', l, 's')], tmp_path / 'o.pkl',
                            progress=False)
    with open(l, 'wb') as f:
        pickle.dump({'names': []}, f)
    with pytest.raises(BadFileError, match='expected a \\(names, labels\\)'):
        import_preprocessed([PreprocessedPart(d, l, 's')], tmp_path / 'o.pkl', progress=False)
