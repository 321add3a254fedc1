"""The bad-input matrix of docs/bad_input.md, cell by cell.

Converters (through their CLIs): ``--strict`` stops with a message naming the file
(or sample) and leaves no output (an existing output file is untouched);
``--skip-bad`` converts the good file, skips the bad one and reports the count under
the reason. Rows whose problem is "not an error" (zero-length, outside the benchmark)
are skipped and counted in both modes. SkeletonPoseDataset: one error per problem,
naming the file and the sample.
"""
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import cmd_mmaction  # noqa: F401
from cmd_mmaction.datasets import SkeletonPoseDataset
from cmd_mmaction.utils.safe_pickle import safe_load

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures_skeleton import (load_tool, moving_person, replace_line,  # noqa: E402
                               truncate_file, write_ntu_skeleton, write_pku_labels,
                               write_pku_skeleton, write_pku_split)

GOOD_NTU, BAD_NTU = 'S001C001P001R001A001', 'S001C001P002R001A002'
ROW12 = ' '.join(['0.1'] * 9 + ['0.9', '0.1', '2'])


def _ntu(tmp_path, damage):
    data = tmp_path / 'ntu'
    data.mkdir()
    write_ntu_skeleton(data / f'{GOOD_NTU}.skeleton', {1: moving_person(20, (0, 0, 3), .1, 0)})
    bad = write_ntu_skeleton(data / f'{BAD_NTU}.skeleton', {1: moving_person(20, (0, 0, 3), .1, 1)})
    damage(bad)
    return 'ntu_gendata', ['--data-dir', str(data)], bad.name


def _msr(tmp_path, damage):
    data = tmp_path / 'msr'
    data.mkdir()
    rows = lambda t: ''.join(f'{j * .01 + t * .1:.3f} 0.5 2.0 1\n' for j in range(20))  # noqa
    (data / 'a01_s01_e01_skeleton3D.txt').write_text(''.join(rows(t) for t in range(4)))
    bad = data / 'a02_s02_e01_skeleton3D.txt'
    bad.write_text(''.join(rows(t) for t in range(4)))
    bad = damage(bad) or bad
    return 'msr_action3d_gendata', ['--data-dir', str(data), '--all-files'], bad.name


def _pku(tmp_path, damage):
    skel, labels = tmp_path / 'skel', tmp_path / 'labels'
    skel.mkdir(), labels.mkdir()
    bodies = np.stack([moving_person(30, (0, 0, 3), .1, 2), np.zeros((30, 25, 3))])
    for video in ('0002-L', '0003-L'):
        write_pku_skeleton(skel / f'{video}.txt', bodies)
        write_pku_labels(labels / f'{video}.txt', ['1,1,10,1', '2,11,20,1'])
    write_pku_split(tmp_path / 'split.txt', ['0002-L'], ['0003-L'])
    bad = damage(skel / '0003-L.txt', labels / '0003-L.txt')
    return 'pku_mmd_gendata', ['--skeleton-dir', str(skel), '--label-dir', str(labels),
                               '--split-file', str(tmp_path / 'split.txt')], bad


def _pre(tmp_path, damage):
    data = np.zeros((3, 3, 12, 25, 2), dtype=np.float32)
    data[:, :, :, :, 0] = np.random.default_rng(0).normal(size=(3, 3, 12, 25))
    names, labels = ['s0', 's1', 's2'], [0, 1, 2]
    data, names, labels, label_bytes = damage(data, names, labels)
    np.save(tmp_path / 'data.npy', data)
    label_path = tmp_path / 'label.pkl'
    label_path.write_bytes(label_bytes if label_bytes is not None
                           else pickle.dumps((names, labels)))
    return 'import_preprocessed', ['--data', str(tmp_path / 'data.npy'), '--label',
                                   str(label_path), '--split', 'xsub_train',
                                   '--pre-normalized', 'none'], None


def _normalize(built):
    tool, args, bad = built
    return tool, args + ['--normalize'], bad


def _line(n, text):
    return lambda path: replace_line(path, n, text)


def _pre_case(data=None, names=None, labels=None, raw=None):
    def damage(d, n, lab):
        return (data(d) if data else d), (names or n), (labels or lab), raw
    return damage


def _nan_sample(d):
    d[1, 0, 3, 4, 0] = np.nan
    return d


def _empty_sample(d):
    d[1] = 0
    return d


# (id, builder, damage, expected in --strict error (None: not an error), skip reason)
CONVERTER_CASES = [
    ('ntu-empty', _ntu, lambda p: p.write_text(''), 'unexpected end of file',
     'truncated or garbled file'),
    ('ntu-truncated', _ntu, lambda p: truncate_file(p, 30), 'unexpected end of file',
     'truncated or garbled file'),
    ('ntu-joint-count', _ntu, _line(4, '24'), 'has 24 joints, expected 25',
     'truncated or garbled file'),
    ('ntu-non-numeric', _ntu, _line(6, ROW12.replace('0.1', 'abc', 1)), 'non-numeric value',
     'truncated or garbled file'),
    ('ntu-nan', _ntu, _line(6, ROW12.replace('0.1', 'nan', 1)), 'non-finite value (NaN/Inf)',
     'non-finite values'),
    ('ntu-zero-length', _ntu, lambda p: p.write_text('0\r\n'), None, 'no skeleton data'),
    ('ntu-label-range', _ntu,
     lambda p: p.rename(p.with_name('S001C001P002R001A061.skeleton')), None,
     'not part of ntu60'),
    # finite in float64, inf in float32: the check runs after the cast
    ('ntu-overflow', _ntu, _line(6, ROW12.replace('0.1', '1e39', 1)),
     'not finite in float32', 'non-finite values'),
    ('ntu-overflow-normalize', lambda t, d: _normalize(_ntu(t, d)),
     _line(6, ROW12.replace('0.1', '1e39', 1)), 'not finite in float32', 'non-finite values'),
    ('msr-empty', _msr, lambda p: p.write_text(''), None, 'no frames'),
    ('msr-truncated', _msr, lambda p: truncate_file(p, 70), 'truncated: 70 lines',
     'truncated or garbled file'),
    ('msr-non-numeric', _msr, _line(5, '0.1 zero 2.0 1'), 'non-numeric value',
     'truncated or garbled file'),
    ('msr-nan', _msr, _line(5, '0.1 nan 2.0 1'), 'non-finite value (NaN/Inf)',
     'non-finite values'),
    ('msr-overflow', _msr, _line(5, '0.1 1e39 2.0 1'), 'not finite in float32',
     'non-finite values'),
    ('msr-overflow-normalize', lambda t, d: _normalize(_msr(t, d)),
     _line(5, '0.1 -1e39 2.0 1'), 'not finite in float32', 'non-finite values'),
    ('msr-label-range', _msr,
     lambda p: p.rename(p.with_name('a21_s02_e01_skeleton3D.txt')),
     'action 21 outside 1..20', 'bad file name'),
    ('pku-nan', _pku, lambda s, lab: replace_line(s, 3, ' '.join(['nan'] + ['0.1'] * 149))
     or s.name, 'non-finite value (NaN/Inf)', 'non-finite values'),
    ('pku-overflow', _pku, lambda s, lab: replace_line(s, 3, ' '.join(['1e39'] + ['0.1'] * 149))
     or s.name, 'not finite in float32', 'non-finite values'),
    ('pku-joint-count', _pku, lambda s, lab: replace_line(s, 3, ' '.join(['0.1'] * 147))
     or s.name, 'expected 150 values', 'truncated or garbled file'),
    ('pku-label-range', _pku, lambda s, lab: write_pku_labels(lab, ['1,1,10,1', '52,11,20,1'])
     and lab.name, 'label 52 outside 1..51', 'bad label line'),
    ('pku-empty', _pku, lambda s, lab: s.write_text('') or s.name, None, 'no frames'),
    ('pre-nan', _pre, _pre_case(data=_nan_sample), 'sample 1 (s1): 1 NaN/Inf values',
     'non-finite values'),
    ('pre-zero-length', _pre, _pre_case(data=_empty_sample), None, 'all zeros'),
    ('pre-duplicate', _pre, _pre_case(names=['s0', 's0', 's2']),
     "duplicate sample name 's0'", 'duplicate sample name'),
    ('pre-label-range', _pre, _pre_case(labels=[0, -3, 2]), 'sample 1 (s1): negative label',
     'bad label'),
]


@pytest.mark.parametrize('case', CONVERTER_CASES, ids=lambda c: c[0])
@pytest.mark.parametrize('policy', ['--strict', '--skip-bad'])
def test_converter_bad_input(case, policy, tmp_path, capsys):
    _, build, damage, error, reason = case
    tool, args, bad_name = build(tmp_path, damage)
    out = tmp_path / 'out.pkl'
    argv = args + ['--out', str(out), '--no-progress', policy]
    main = load_tool(tool).main
    if policy == '--strict' and error is not None:
        out.write_bytes(b'previous output')
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert error in str(info.value)
        assert bad_name is None or bad_name in str(info.value)  # names the file
        assert out.read_bytes() == b'previous output'  # never a partial output
        assert [p.name for p in tmp_path.glob('*.tmp')] == []
        return
    summary = main(argv)
    assert summary.num_skipped == 1, summary.format()
    assert [s.reason for s in summary.skipped] == [reason]
    assert f'{reason}: 1' in capsys.readouterr().out  # reported
    written = safe_load(out)['annotations']
    assert len(written) == summary.written >= 1
    assert all(np.isfinite(a['keypoint']).all() for a in written)


def test_converter_input_name_in_two_dirs_is_fatal(tmp_path):
    tool, args, _ = _ntu(tmp_path, lambda p: None)
    (tmp_path / 'ntu2').mkdir()
    (tmp_path / 'ntu2' / f'{GOOD_NTU}.skeleton').write_bytes(
        (tmp_path / 'ntu' / f'{GOOD_NTU}.skeleton').read_bytes())
    with pytest.raises(SystemExit, match=f'{GOOD_NTU}.skeleton found in both'):
        load_tool(tool).main(['--data-dir', str(tmp_path / 'ntu'), str(tmp_path / 'ntu2'),
                              '--out', str(tmp_path / 'o.pkl'), '--no-progress', '--skip-bad'])
    assert not (tmp_path / 'o.pkl').exists()


# ------------------------------------------------------------------ dataset
def _sample(name, label=0, keypoint=None):
    if keypoint is None:
        keypoint = np.random.default_rng(0).normal(size=(1, 8, 25, 3)).astype(np.float32)
    return dict(frame_dir=name, label=label, total_frames=keypoint.shape[1], keypoint=keypoint)


def _write(path, samples, raw=None):
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_bytes(pickle.dumps(dict(split=dict(train=[s['frame_dir'] for s in samples]),
                                           annotations=samples)))
    return path


GOOD = pickle.dumps(dict(split=dict(train=['a']), annotations=[_sample('a')]))
DATASET_CASES = [
    ('empty', [], b'', {}, pickle.UnpicklingError, 'not a valid annotation pickle'),
    ('truncated', [], GOOD[:len(GOOD) // 2], {}, pickle.UnpicklingError,
     'truncated'),
    ('joint-count', [_sample('a', keypoint=np.zeros((1, 8, 24, 3), np.float32))], None,
     {'num_joints': 25}, ValueError, "sample 'a': keypoint has V = 24 joints"),
    ('non-numeric', [_sample('a', keypoint=np.full((1, 8, 25, 3), 'x'))], None, {},
     ValueError, "sample 'a': keypoint must be a float array"),
    ('nan', [_sample('a', keypoint=np.full((1, 8, 25, 3), np.nan, np.float32))], None, {},
     ValueError, "sample 'a': keypoint has 600 NaN/Inf values"),
    ('zero-length', [_sample('a', keypoint=np.zeros((1, 0, 25, 3), np.float32))], None, {},
     ValueError, "sample 'a': empty sequence"),
    ('duplicate', [_sample('a'), _sample('a')], None, {}, ValueError,
     "duplicate sample names ['a']"),
    ('label-range', [_sample('a', label=12)], None, {'num_classes': 12}, ValueError,
     "sample 'a': label 12 out of range [0, 12)"),
    ('unknown-split', [_sample('a')], None, {'split': 'xsub_train'}, ValueError,
     "unknown split 'xsub_train'; available splits: ['train']"),
]


@pytest.mark.parametrize('case', DATASET_CASES, ids=lambda c: c[0])
def test_dataset_bad_input(case, tmp_path):
    _, samples, raw, kwargs, error, message = case
    path = _write(tmp_path / 'ann.pkl', samples, raw)
    kwargs = {'split': 'train', **kwargs}
    with pytest.raises(error) as info:
        SkeletonPoseDataset(str(path), pipeline=[], **kwargs)
    assert str(path) in str(info.value) and message in str(info.value)
