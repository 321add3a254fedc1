"""MSR Action3D converter on the real shared files (a handful) plus truncated copies."""
import pickle
import shutil

import numpy as np
import pytest

from cmd_mmaction.datasets.converters.common import BadFileError
from cmd_mmaction.datasets.converters.msr_action3d import (MSRAction3DConverter,
                                                           convert_msr_action3d,
                                                           read_msr_file)
from fixtures_skeleton import SHARED_DATA, load_tool, truncate_file

MSR = SHARED_DATA / 'msr_action3d'
SUBSET = ['a01_s01_e01', 'a01_s02_e01', 'a20_s02_e01', 'a13_s09_e02', 'a05_s07_e03']


@pytest.fixture
def msr_dir():
    if not (MSR / 'a01_s01_e01_skeleton3D.txt').is_file():
        pytest.skip(f'shared MSR Action3D data not found in {MSR}')
    return MSR


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def test_read_real_file(msr_dir):
    frames = read_msr_file(msr_dir / 'a01_s01_e01_skeleton3D.txt')
    assert frames.dtype == np.float64 and frames.shape[1:] == (20, 3)  # cast when written
    # first two lines of the file: joint 1 and joint 2 of frame 0 (confidence dropped)
    np.testing.assert_allclose(frames[0, 0], [-0.371736, 0.371031, 2.674849], atol=1e-6)
    np.testing.assert_allclose(frames[0, 1], [-0.014095, 0.355341, 2.678124], atol=1e-6)
    # line 21 is joint 1 of frame 1
    np.testing.assert_allclose(frames[1, 0], [-0.369292, 0.364387, 2.673330], atol=1e-6)


def test_subset_labels_splits_and_zero_file(msr_dir, tmp_path):
    file_list = tmp_path / 'subset.txt'
    file_list.write_text('\n'.join(SUBSET[:3] + [SUBSET[3] + '_skeleton3D.txt', SUBSET[4]]))
    out = tmp_path / 'msr.pkl'
    summary = convert_msr_action3d(msr_dir, out, file_list=file_list, progress=False)
    data = load(out)
    assert data['split'] == dict(xsub_train=['a01_s01_e01', 'a05_s07_e03'],
                                 xsub_val=['a01_s02_e01', 'a20_s02_e01'],
                                 xsub_train_tune=['a01_s01_e01'],  # subjects 1, 3, 5
                                 xsub_val_tune=['a05_s07_e03'])  # 7, 9: held out
    anns = {a['frame_dir']: a for a in data['annotations']}
    assert {k: a['label'] for k, a in anns.items()} == {
        'a01_s01_e01': 0, 'a01_s02_e01': 0, 'a20_s02_e01': 19, 'a05_s07_e03': 4}
    raw = np.loadtxt(msr_dir / 'a01_s01_e01_skeleton3D.txt').reshape(-1, 20, 4)[..., :3]
    np.testing.assert_allclose(anns['a01_s01_e01']['keypoint'][0], raw, atol=1e-6)
    assert anns['a01_s01_e01']['keypoint'].shape == (1, len(raw), 20, 3)
    # a20_s02_e01 has 56 frames, the last 32 all zero (person lost): they are dropped
    assert anns['a20_s02_e01']['total_frames'] == 24
    assert summary.notes['empty frames dropped'] == 32
    assert [(s.name, s.reason) for s in summary.skipped] == [('a13_s09_e02', 'all zeros')]


def test_default_file_list(msr_dir, tmp_path):
    converter = MSRAction3DConverter(msr_dir, progress=False)
    assert len(converter.names) == 557 and 'a13_s09_e02' not in converter.names
    everything = MSRAction3DConverter(msr_dir, use_all=True, progress=False)
    assert len(everything.names) == 567 and 'a13_s09_e02' in everything.names


def test_truncated_copy(msr_dir, tmp_path):
    src = tmp_path / 'msr'
    src.mkdir()
    for name in ('a01_s01_e01', 'a02_s02_e01'):
        shutil.copy(msr_dir / f'{name}_skeleton3D.txt', src)
    truncate_file(src / 'a02_s02_e01_skeleton3D.txt', 30)
    with pytest.raises(BadFileError, match=r'a02_s02_e01_skeleton3D\.txt: line 30: truncated'):
        convert_msr_action3d(src, tmp_path / 'x.pkl', strict=True, progress=False)
    assert not (tmp_path / 'x.pkl').exists()
    summary = convert_msr_action3d(src, tmp_path / 'x.pkl', progress=False)
    assert summary.written == 1
    assert [(s.name, s.reason) for s in summary.skipped] == [
        ('a02_s02_e01', 'truncated or garbled file')]
    lines = (src / 'a01_s01_e01_skeleton3D.txt').read_text().splitlines()
    lines[4] = '0.1 0.2 0.3'
    (src / 'a01_s01_e01_skeleton3D.txt').write_text('\n'.join(lines) + '\n')
    with pytest.raises(BadFileError, match=r'line 5: expected 4 values'):
        read_msr_file(src / 'a01_s01_e01_skeleton3D.txt')


def test_listed_file_missing(tmp_path):
    (tmp_path / 'list.txt').write_text('a01_s01_e01\n')
    with pytest.raises(BadFileError, match='listed file not found'):
        convert_msr_action3d(tmp_path, tmp_path / 'o.pkl', file_list=tmp_path / 'list.txt',
                             strict=True, progress=False)


def test_cli(msr_dir, tmp_path, capsys):
    file_list = tmp_path / 'subset.txt'
    file_list.write_text('\n'.join(SUBSET))
    out = tmp_path / 'cli.pkl'
    summary = load_tool('msr_action3d_gendata').main(
        ['--data-dir', str(msr_dir), '--out', str(out), '--file-list', str(file_list)])
    assert summary.written == 4 and out.is_file()
    text = capsys.readouterr().out
    assert '5/5' in text  # the progress bar ran
    assert 'all zeros: 1' in text and 'a13_s09_e02' in text
