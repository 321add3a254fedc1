"""NTU RGB+D .skeleton converter: parsing, body selection, splits, errors, atomic write."""
import pickle

import numpy as np
import pytest

from cmd_mmaction.datasets.converters.common import BadFileError, ConversionSummary
from cmd_mmaction.datasets.converters.ntu import (assign_splits, convert_ntu, is_spurious,
                                                  motion_energy, parse_name,
                                                  read_skeleton_file, select_actors)
from cmd_mmaction.utils.atomic_io import pickle_dump_atomic
from fixtures_skeleton import (SHARED_DATA, load_tool, moving_person, replace_line,
                               truncate_file, wide_object, write_ntu_skeleton)

MISSING60 = SHARED_DATA / 'ntu' / 'NTU_RGBD60_samples_with_missing_skeletons.txt'


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def by_name(data):
    return {a['frame_dir']: a for a in data['annotations']}


def test_read_skeleton_round_trip(tmp_path):
    a = moving_person(6, (0.5, 0.2, 3.0), 0.1, seed=0)
    b = moving_person(6, (-0.5, 0.2, 3.5), 0.3, seed=1)
    b[:2] = 0  # body b enters at frame 2
    path = write_ntu_skeleton(tmp_path / 'S001C001P001R001A001.skeleton',
                              {72057594037931101: a, 72057594037931102: b})
    tracks = read_skeleton_file(path)
    assert list(tracks) == ['72057594037931101', '72057594037931102']
    np.testing.assert_allclose(tracks['72057594037931101'], a, atol=1e-6)
    np.testing.assert_allclose(tracks['72057594037931102'], b, atol=1e-6)
    assert tracks['72057594037931101'].dtype == np.float64  # as parsed; cast when written
    # joint 9 (index 8) of body a, frame 3 is the 3 first values of that line
    assert tracks['72057594037931101'][3, 8, 0] == pytest.approx(a[3, 8, 0], abs=1e-6)


def test_parse_name_and_splits():
    info = parse_name('S001C002P003R002A013')
    assert info == dict(setup=1, camera=2, performer=3, replication=2, action=13)
    assert assign_splits(info, 'ntu60') == ('xsub_val', 'xview_train')
    assert assign_splits(parse_name('S001C001P001R001A001'), 'ntu60') == (
        'xsub_train', 'xview_val')
    # NTU-120: performer 45 trains in xsub, even setups train in xset
    assert assign_splits(parse_name('S018C001P045R001A100'), 'ntu120') == (
        'xsub_train', 'xset_train')
    assert assign_splits(parse_name('S019C001P044R001A100'), 'ntu120') == (
        'xsub_val', 'xset_val')
    with pytest.raises(ValueError, match='not an NTU sample name'):
        parse_name('S1C2P3R2A13')


def test_motion_energy_by_hand():
    track = np.zeros((3, 25, 3), dtype=np.float32)
    track[0] = [1.0, 2.0, 3.0]
    track[2] = [2.0, 4.0, 3.5]  # frame 1 is empty and must be ignored
    # each axis takes two values equally often -> std = |difference| / 2
    assert motion_energy(track) == pytest.approx(0.5 + 1.0 + 0.25)
    assert motion_energy(np.zeros((4, 25, 3))) == 0.0


def test_is_spurious_rules():
    assert is_spurious(moving_person(10, (0.5, 0.2, 3.0), 0.1, seed=0))  # 10 frames: too short
    assert not is_spurious(moving_person(11, (0.5, 0.2, 3.0), 0.1, seed=0))
    assert is_spurious(wide_object(30, seed=0))  # x-spread 1.2 > 0.8 * y-spread 0.1


def test_select_actors_by_energy_and_filtering():
    calm = moving_person(30, (0.5, 0.2, 3.0), 0.02, seed=0)
    lively = moving_person(30, (-0.5, 0.2, 3.0), 0.4, seed=1)
    medium = moving_person(30, (0.0, 0.2, 4.0), 0.1, seed=2)
    blip = moving_person(30, (1.0, 0.2, 3.0), 0.5, seed=3)
    blip[5:] = 0  # 5 valid frames: spurious
    actors, spurious = select_actors([calm, wide_object(30, seed=4), lively, blip, medium])
    assert spurious == 2
    assert actors.shape == (2, 30, 25, 3)
    np.testing.assert_allclose(actors[0], lively, atol=1e-6)  # highest energy first
    np.testing.assert_allclose(actors[1], medium, atol=1e-6)  # calm is the third: dropped


def test_select_actors_merges_id_switch():
    person = moving_person(30, (0.5, 0.2, 3.0), 0.1, seed=0)
    first, second = person.copy(), person.copy()
    first[15:] = 0
    second[:15] = 0  # same person re-detected under a new bodyID from frame 15
    actors, spurious = select_actors([first, second])
    assert spurious == 0 and actors.shape == (1, 30, 25, 3)
    np.testing.assert_allclose(actors[0], person, atol=1e-6)


def test_single_track_is_never_filtered():
    short = moving_person(5, (0.5, 0.2, 3.0), 0.1, seed=0)
    actors, spurious = select_actors([short])
    assert spurious == 0 and actors.shape == (1, 5, 25, 3)


def make_ntu_dir(tmp_path):
    src = tmp_path / 'skeletons'
    src.mkdir()
    # one body, P1 (xsub train), C1 (xview val), action 1
    solo = moving_person(15, (0.5, 0.2, 3.0), 0.1, seed=0)
    write_ntu_skeleton(src / 'S001C001P001R001A001.skeleton', {101: solo})
    # two people + a wide object + a 4-frame ghost; frames 0-1 and 7 have no body at all
    a = moving_person(20, (0.5, 0.2, 3.0), 0.05, seed=1)
    b = moving_person(20, (-0.5, 0.2, 3.0), 0.4, seed=2)
    ghost = moving_person(20, (1.5, 0.2, 3.0), 0.8, seed=3)
    for arr in (a, b, ghost):
        arr[[0, 1, 7]] = 0
    ghost[6:] = 0
    wide = wide_object(20, seed=4)
    wide[[0, 1, 7]] = 0
    write_ntu_skeleton(src / 'S001C002P003R002A013.skeleton',
                       {201: a, 202: wide, 203: ghost, 204: b})
    # an NTU-120-only action
    write_ntu_skeleton(src / 'S002C003P002R001A061.skeleton',
                       {301: moving_person(12, (0.5, 0.2, 3.0), 0.1, seed=5)})
    return src, dict(solo=solo, a=a, b=b)


def test_convert_ntu60(tmp_path):
    src, arrays = make_ntu_dir(tmp_path)
    out = tmp_path / 'out' / 'ntu60.pkl'
    summary = convert_ntu([src], out, benchmark='ntu60', progress=False)
    data = load(out)
    assert data['split'] == dict(xsub_train=['S001C001P001R001A001'],
                                 xsub_val=['S001C002P003R002A013'],
                                 xview_train=['S001C002P003R002A013'],
                                 xview_val=['S001C001P001R001A001'])
    anns = by_name(data)
    solo = anns['S001C001P001R001A001']
    assert solo['label'] == 0 and solo['total_frames'] == 15
    assert solo['keypoint'].dtype == np.float32 and solo['keypoint'].shape == (1, 15, 25, 3)
    assert solo['img_shape'] == (1080, 1920) and solo['original_shape'] == (1080, 1920)
    np.testing.assert_allclose(solo['keypoint'][0], arrays['solo'], atol=1e-6)

    pair = anns['S001C002P003R002A013']
    assert pair['label'] == 12
    keep = [t for t in range(20) if t not in (0, 1, 7)]
    assert pair['keypoint'].shape == (2, 17, 25, 3) and pair['total_frames'] == 17
    np.testing.assert_allclose(pair['keypoint'][0], arrays['b'][keep], atol=1e-6)  # livelier
    np.testing.assert_allclose(pair['keypoint'][1], arrays['a'][keep], atol=1e-6)

    assert summary.written == 2
    assert [(s.name, s.reason) for s in summary.skipped] == [
        ('S002C003P002R001A061', 'not part of ntu60')]
    assert summary.notes['empty frames dropped'] == 3
    assert summary.notes['spurious bodies dropped'] == 2


def test_convert_ntu120_splits(tmp_path):
    src, _ = make_ntu_dir(tmp_path)
    out = tmp_path / 'ntu120.pkl'
    convert_ntu([src], out, benchmark='ntu120', progress=False)
    data = load(out)
    assert set(data['split']) == {'xsub_train', 'xsub_val', 'xset_train', 'xset_val'}
    assert data['split']['xset_train'] == ['S002C003P002R001A061']
    assert 'S002C003P002R001A061' in data['split']['xsub_train']
    assert by_name(data)['S002C003P002R001A061']['label'] == 60


def test_missing_list_is_skipped(tmp_path):
    if not MISSING60.is_file():
        pytest.skip(f'shared data not found: {MISSING60}')
    missing_name = MISSING60.read_text().split()[0]
    src, _ = make_ntu_dir(tmp_path)
    write_ntu_skeleton(src / f'{missing_name}.skeleton',
                       {1: moving_person(12, (0.5, 0.2, 3.0), 0.1, seed=9)})
    out = tmp_path / 'ntu60.pkl'
    summary = convert_ntu([src], out, missing_list=MISSING60, progress=False)
    groups = summary.skipped_by_reason()
    assert [s.name for s in groups['in missing-skeleton list']] == [missing_name]
    names = [a['frame_dir'] for a in load(out)['annotations']]
    assert missing_name not in names and len(names) == 2


def test_truncated_file_strict_and_skip(tmp_path):
    src, _ = make_ntu_dir(tmp_path)
    bad = write_ntu_skeleton(src / 'S001C001P002R001A002.skeleton',
                             {7: moving_person(3, (0.5, 0.2, 3.0), 0.1, seed=0)})
    # 1 header line + 3 frames x (count + info + "25" + 25 joints) = 85 lines;
    # frame 2 occupies lines 30-57, its joints start at line 33
    truncate_file(bad, 50)
    out = tmp_path / 'strict.pkl'
    with pytest.raises(BadFileError) as err:
        convert_ntu([src], out, strict=True, progress=False)
    assert 'S001C001P002R001A002.skeleton' in str(err.value)
    assert 'line 51' in str(err.value) and 'end of file' in str(err.value)
    assert not out.exists() and list(tmp_path.glob('.strict.pkl*')) == []

    out = tmp_path / 'skip.pkl'
    summary = convert_ntu([src], out, strict=False, progress=False)
    skipped = summary.skipped_by_reason()['truncated or garbled file']
    assert [s.name for s in skipped] == ['S001C001P002R001A002']
    assert 'line 51' in skipped[0].detail
    assert len(load(out)['annotations']) == 2


def test_garbled_line_is_named(tmp_path):
    path = write_ntu_skeleton(tmp_path / 'S001C001P002R001A002.skeleton',
                              {7: moving_person(3, (0.5, 0.2, 3.0), 0.1, seed=0)})
    replace_line(path, 40, '0.1 0.2 abc 1 2 3 4 5 6 7 8 9')
    with pytest.raises(BadFileError, match=r'line 40: non-numeric'):
        read_skeleton_file(path)
    replace_line(path, 40, '0.1 0.2 0.3')
    with pytest.raises(BadFileError, match=r'line 40: expected 12 values'):
        read_skeleton_file(path)
    replace_line(path, 32, '24')
    with pytest.raises(BadFileError, match=r'line 32: .* 24 joints'):
        read_skeleton_file(path)
    path.write_text('999999999\n0\n')  # absurd frame count: plain end-of-file error
    with pytest.raises(BadFileError, match=r'line 3: unexpected end of file'):
        read_skeleton_file(path)
    path.write_text('3\n1\n72057594037931101 0 1\n')
    with pytest.raises(BadFileError, match=r'line 3: expected 10 values'):
        read_skeleton_file(path)


def test_trailing_content_rejected(tmp_path):
    path = write_ntu_skeleton(tmp_path / 'S001C001P002R001A002.skeleton',
                              {7: moving_person(2, (0.5, 0.2, 3.0), 0.1, seed=0)})
    path.write_text(path.read_text() + '\n\n')  # blank lines are fine
    read_skeleton_file(path)
    path.write_text(path.read_text() + '1\n')
    with pytest.raises(BadFileError, match=r'line 60: unexpected content'):
        read_skeleton_file(path)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    out = tmp_path / 'data.pkl'
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle_dump_atomic({'fn': lambda x: x}, out)
    assert list(tmp_path.iterdir()) == []
    pickle_dump_atomic({'a': 1}, out)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle_dump_atomic({'fn': lambda x: x}, out)
    assert load(out) == {'a': 1}  # the old file survives
    assert [p.name for p in tmp_path.iterdir()] == ['data.pkl']


def test_summary_format():
    summary = ConversionSummary()
    summary.record_written()
    for i in range(5):
        summary.record_skipped(f's{i}', 'all zeros')
    summary.add_note('empty frames dropped', 7)
    text = summary.format(max_examples=2)
    assert 'written: 1' in text and 'skipped: 5' in text and 'all zeros: 5' in text
    assert '... 3 more' in text and 'empty frames dropped: 7' in text


def test_normalize_option(tmp_path):
    src, _ = make_ntu_dir(tmp_path)
    out = tmp_path / 'norm.pkl'
    convert_ntu([src], out, normalize=True, progress=False)
    kp = by_name(load(out))['S001C002P003R002A013']['keypoint']
    np.testing.assert_allclose(kp[0, :, 1], 0, atol=1e-5)  # spine-middle of body 0 at origin
    shoulders = kp[0, 0, 8] - kp[0, 0, 4]  # exact: the last rotation aligns it with +x
    assert shoulders[0] > 0 and np.allclose(shoulders[1:], 0, atol=1e-5)
    spine = kp[0, 0, 1] - kp[0, 0, 0]  # ~+z (the shoulder turn tilts it a little)
    assert spine[2] > 0 and np.allclose(spine[:2], 0, atol=0.03)


def test_cli(tmp_path, capsys):
    tool = load_tool('ntu_gendata')
    src, _ = make_ntu_dir(tmp_path)
    out = tmp_path / 'cli.pkl'
    summary = tool.main(['--data-dir', str(src), '--out', str(out), '--benchmark', 'ntu120',
                         '--no-progress', '--skip-bad'])
    assert summary.written == 3 and out.is_file()
    assert 'written: 3' in capsys.readouterr().out
    truncate_file(src / 'S001C001P001R001A001.skeleton', 10)
    with pytest.raises(SystemExit) as exc:
        tool.main(['--data-dir', str(src), '--out', str(tmp_path / 'x.pkl'), '--strict',
                   '--no-progress'])
    assert 'S001C001P001R001A001.skeleton: line 11' in str(exc.value.code)
    with pytest.raises(SystemExit):
        tool.main(['--data-dir', str(src), '--out', 'x.pkl', '--strict', '--skip-bad'])


def test_output_loads_in_mmaction_pose_dataset(tmp_path):
    from mmaction.datasets import PoseDataset
    from mmengine.registry import DefaultScope
    src, _ = make_ntu_dir(tmp_path)
    out = tmp_path / 'ntu60.pkl'
    convert_ntu([src], out, progress=False)
    pipeline = [dict(type='PreNormalize3D'), dict(type='GenSkeFeat', dataset='nturgb+d',
                                                  feats=['j']),
                dict(type='UniformSampleFrames', clip_len=8, num_clips=1, test_mode=True),
                dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=2),
                dict(type='PackActionInputs')]
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = PoseDataset(ann_file=str(out), pipeline=pipeline, split='xview_val',
                              test_mode=True)
        assert len(dataset) == 1
        sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (1, 2, 8, 25, 3)
    assert sample['data_samples'].gt_label.item() == 0
