"""Bad arguments and unreadable inputs end in one ``error: <file>: ...`` line, no traceback.

``tools/test.py --dump`` that cannot be written (checked before the test set is run),
``.npy`` files of ``tools/data/import_preprocessed.py`` that are truncated, not ``.npy``
or not numbers, and a pickle declaring an object too large to build (otherwise a bare
``MemoryError``).
"""
import io
import pickle
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

import cmd_mmaction  # noqa: F401
from cmd_mmaction.utils.safe_pickle import safe_load

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]
from fixtures_skeleton import load_tool  # noqa: E402
from tools import test as test_tool  # noqa: E402

SUPERVISED = ROOT / 'configs/supervised/stgcn_1xb16-joint-10e_synthetic-xsub-3d.py'


def _test_tool(tmp_path, ann_file, dump):
    return test_tool.main([
        str(SUPERVISED), 'random-init', '--work-dir', str(tmp_path / 'work'), '--dump',
        str(dump), '--cfg-options', f'test_dataloader.dataset.ann_file={ann_file}',
        'model.backbone.base_channels=16', 'model.cls_head.in_channels=64',
        'test_dataloader.batch_size=8'])


@pytest.mark.parametrize('where, message', [
    ('a_dir.pkl', 'is a directory; name a file, e.g. '),
    ('a_file/predictions.pkl', 'a_file is a file, not a directory'),
    ('a_file/deeper/predictions.pkl', 'a_file is a file, not a directory'),
    ('predictions.json', 'the dump file must end in .pkl or .pickle'),
])
def test_unwritable_dump_is_one_error_line(tmp_path, tiny_synthetic_pkl, where, message):
    (tmp_path / 'a_dir.pkl').mkdir()
    (tmp_path / 'a_file').write_text('x')
    dump = tmp_path / where
    with pytest.raises(SystemExit) as info:
        _test_tool(tmp_path, tiny_synthetic_pkl, dump)
    assert str(info.value).startswith(f'error: --dump {dump}: ') and message in str(info.value)
    assert not (tmp_path / 'work').exists()  # stopped before the runner was built


def test_dump_into_new_folders_is_written(tmp_path, tiny_synthetic_pkl):
    dump = tmp_path / 'new' / 'folder' / 'predictions.pkl'
    _test_tool(tmp_path, tiny_synthetic_pkl, dump)
    assert len(pickle.loads(dump.read_bytes())) == 12


def _npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


GOOD = _npy_bytes(np.ones((2, 3, 4, 25, 2), np.float32))
BAD_NPY = {
    'truncated': (GOOD[:len(GOOD) // 2], 'unreadable .npy file (mmap length is greater'),
    'header only': (GOOD[:60], 'unreadable .npy file (EOF: reading array header'),
    'empty': (b'', 'not a .npy file (no NumPy header)'),
    'not npy': (pickle.dumps([1, 2]), 'not a .npy file (no NumPy header)'),
    'strings': (_npy_bytes(np.full((2, 3, 4, 25, 2), 'a')), 'must hold numbers, got dtype <U1'),
    'objects': (_npy_bytes(np.full((2, 3, 4, 25, 2), None)), 'Python objects in dtype'),
    'wrong shape': (_npy_bytes(np.ones((2, 4), np.float32)),
                    'expected an (N, C=3, T, V, M) array, got shape (2, 4)'),
}


def _import(tmp_path, data, label=None, num_frame=None):
    label = label or tmp_path / 'label.pkl'
    if not label.exists():
        label.write_bytes(pickle.dumps((['s0', 's1'], [0, 1])))
    argv = ['--data', str(data), '--label', str(label), '--split', 'x',
            '--out', str(tmp_path / 'out.pkl'), '--pre-normalized', 'none', '--no-progress']
    if num_frame is not None:
        argv += ['--num-frame', str(num_frame)]
    with pytest.raises(SystemExit) as info:
        load_tool('import_preprocessed').main(argv)
    assert not (tmp_path / 'out.pkl').exists()
    return str(info.value)


@pytest.mark.parametrize('case', sorted(BAD_NPY))
def test_bad_data_npy_is_one_error_line_naming_it(tmp_path, case):
    content, message = BAD_NPY[case]
    data = tmp_path / 'data.npy'
    data.write_bytes(content)
    error = _import(tmp_path, data)
    assert error.startswith(f'error: {data}: ') and message in error, error


NUM_FRAME = _npy_bytes(np.array([3, 4]))
BAD_NUM_FRAME = {
    'truncated': (NUM_FRAME[:-4], 'unreadable .npy file ('),
    'empty': (b'', 'not a .npy file (no NumPy header)'),
    'not npy': (b'3\n4\n', 'not a .npy file (no NumPy header)'),
    'strings': (_npy_bytes(np.array(['3', '4'])), 'must hold numbers, got dtype <U1'),
}


@pytest.mark.parametrize('case', sorted(BAD_NUM_FRAME))
def test_bad_num_frame_npy_is_one_error_line_naming_it(tmp_path, case):
    content, message = BAD_NUM_FRAME[case]
    data, num_frame = tmp_path / 'data.npy', tmp_path / 'num_frame.npy'
    data.write_bytes(GOOD)
    num_frame.write_bytes(content)
    error = _import(tmp_path, data, num_frame=num_frame)
    assert error.startswith(f'error: {num_frame}: ') and message in error, error


def _oversized_pickle(path):
    """A pickle whose first object claims 2**62 bytes (BINBYTES8): a corrupt length."""
    path.write_bytes(b'\x80\x04\x8e' + struct.pack('<Q', 2 ** 62) + b'abc.')
    return path


def test_oversized_object_in_a_pickle_is_named(tmp_path):
    path = _oversized_pickle(tmp_path / 'ann.pkl')
    with pytest.raises(pickle.UnpicklingError, match=f'^{path}: an object in the file is too '
                                                     'large to build'):
        safe_load(path)
    data = tmp_path / 'data.npy'
    data.write_bytes(GOOD)
    error = _import(tmp_path, data, label=_oversized_pickle(tmp_path / 'label.pkl'))
    assert error.startswith(f'error: {tmp_path / "label.pkl"}: an object in the file is too '
                            'large to build (MemoryError')
