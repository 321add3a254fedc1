"""Bad-input matrix of the NTU converter (docs/bad_input.md): strict stops naming the
file and line and writes nothing; the default (--skip-bad) skips, counts and writes the rest.

The dataset side of the matrix (wrong shape, NaN, empty sequence, labels out of range,
duplicate names, unknown split, malicious pickle) is tests/test_dataset_loading.py.
"""
import pickle

import pytest

from cmd_mmaction.datasets.converters.common import BadFileError
from cmd_mmaction.datasets.converters.ntu import convert_ntu
from fixtures_skeleton import moving_person, replace_line, truncate_file, write_ntu_skeleton

BAD = 'S001C001P002R001A002'


def _empty(path):
    path.write_text('')


def _truncated(path):
    truncate_file(path, 50)


def _wrong_joint_count(path):
    replace_line(path, 32, '24')


def _non_numeric(path):
    replace_line(path, 40, '0.1 0.2 abc 1 2 3 4 5 6 7 8 9')


def _nan_coordinates(path):
    replace_line(path, 40, 'nan 0.2 3.0 1 2 3 4 5 6 7 8 9')


def _zero_frames(path):
    path.write_text('0\n')


@pytest.mark.parametrize('damage, message', [
    (_empty, 'empty file'),
    (_truncated, 'line 51: unexpected end of file'),
    (_wrong_joint_count, 'line 32: .*24 joints'),
    (_non_numeric, 'line 40: non-numeric'),
    (_nan_coordinates, 'line 40: .*(NaN|non-finite)'),
    (_zero_frames, '(no frames|empty sequence|no body)'),
], ids=['empty', 'truncated', 'wrong-joint-count', 'non-numeric', 'nan', 'zero-length'])
def test_bad_raw_file(tmp_path, damage, message):
    src = tmp_path / 'skeletons'
    src.mkdir()
    write_ntu_skeleton(src / 'S001C001P001R001A001.skeleton',
                       {1: moving_person(6, (0.5, 0.2, 3.0), 0.1, seed=0)})
    bad = write_ntu_skeleton(src / f'{BAD}.skeleton',
                             {7: moving_person(3, (0.5, 0.2, 3.0), 0.1, seed=1)})
    damage(bad)

    out = tmp_path / 'strict.pkl'
    with pytest.raises(BadFileError, match=f'{BAD}.skeleton.*{message}'):
        convert_ntu([src], out, strict=True, progress=False)
    assert list(tmp_path.glob('*.pkl*')) == [] and list(tmp_path.glob('.strict*')) == []

    out = tmp_path / 'skip.pkl'
    summary = convert_ntu([src], out, strict=False, progress=False)
    skipped = [s.name for group in summary.skipped_by_reason().values() for s in group]
    assert skipped == [BAD]
    with open(out, 'rb') as f:
        names = [a['frame_dir'] for a in pickle.load(f)['annotations']]
    assert names == ['S001C001P001R001A001']
