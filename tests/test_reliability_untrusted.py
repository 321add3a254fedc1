"""Untrusted files never run code: converter label pickles and untrusted checkpoints.

(Annotation pickles read by SkeletonPoseDataset: tests/test_dataset_loading.py;
trust rules for checkpoints: tests/test_tools_checkpoint_trust.py.)
"""
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import cmd_mmaction  # noqa: F401
from cmd_mmaction.datasets.converters import preprocessed
from cmd_mmaction.engine import checkpoint_trust as ct
from mmengine.runner.checkpoint import _load_checkpoint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures_skeleton import load_tool  # noqa: E402


class _Exploit:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_converter_label_pickle_cannot_run_code(tmp_path):
    marker = tmp_path / 'pwned'
    np.save(tmp_path / 'data.npy', np.ones((1, 3, 4, 25, 2), np.float32))
    label = tmp_path / 'label.pkl'
    label.write_bytes(pickle.dumps((['s0'], [_Exploit(marker)])))
    with pytest.raises(SystemExit) as info:
        load_tool('import_preprocessed').main([
            '--data', str(tmp_path / 'data.npy'), '--label', str(label), '--split', 'x',
            '--out', str(tmp_path / 'out.pkl'), '--no-progress', '--pre-normalized', 'none'])
    assert str(label) in str(info.value) and "forbidden global 'posix.system'" in str(info.value)
    assert not marker.exists() and not (tmp_path / 'out.pkl').exists()
    pickle.loads(label.read_bytes())  # the payload is real: plain pickle runs it
    assert marker.exists()


def test_converters_use_the_one_restricted_unpickler():
    assert not [name for name, value in vars(preprocessed).items()
                if isinstance(value, type) and issubclass(value, pickle.Unpickler)]
    assert preprocessed.safe_load is cmd_mmaction.utils.safe_pickle.safe_load


def test_untrusted_malicious_checkpoint_is_refused_before_running(tmp_path):
    ct._trusted_files.clear()
    ct._trusted_dirs.clear()
    marker, path = tmp_path / 'pwned', tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': _Exploit(marker)}, path)
    with pytest.raises(pickle.UnpicklingError, match='evil.pth'):
        _load_checkpoint(str(path))  # e.g. an init_cfg checkpoint reached indirectly
    assert not marker.exists()
