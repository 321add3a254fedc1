"""Safe checkpoint loading: full unpickling only for files the user named."""
import pickle

import numpy as np
import pytest
import torch

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import checkpoint_trust as ct
from mmengine.runner.checkpoint import _load_checkpoint


@pytest.fixture(autouse=True)
def _clean_trust():
    ct._trusted_files.clear()
    ct._trusted_dirs.clear()
    yield
    ct._trusted_files.clear()
    ct._trusted_dirs.clear()


def _mmengine_style_checkpoint(path):
    # numpy scalars in meta need builtins.getattr etc. to unpickle, like message_hub
    torch.save(dict(state_dict={'w': torch.ones(2)},
                    meta=dict(score=np.float64(0.5), arr=np.arange(3))), path)


def test_plain_state_dict_loads_safely_without_trust(tmp_path):
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {'w': torch.arange(3.)}}, path)
    ckpt = _load_checkpoint(str(path))
    assert torch.equal(ckpt['state_dict']['w'], torch.arange(3.))


def test_untrusted_file_with_objects_is_refused(tmp_path):
    path = tmp_path / 'ckpt.pth'
    _mmengine_style_checkpoint(path)
    with pytest.raises(pickle.UnpicklingError, match='ckpt.pth'):
        _load_checkpoint(str(path))


def test_named_file_and_trusted_dir_load_fully(tmp_path):
    path = tmp_path / 'work' / 'epoch_1.pth'
    path.parent.mkdir()
    _mmengine_style_checkpoint(path)
    ct.trust_directory(str(tmp_path / 'work'))
    assert _load_checkpoint(str(path))['meta']['score'] == 0.5
    ct._trusted_dirs.clear()
    ct.trust_checkpoint(str(path))
    assert _load_checkpoint(str(path))['meta']['score'] == 0.5


def test_config_checkpoints_are_trusted():
    cfg = dict(load_from='/a/b.pth', model=dict(backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint='/c/d.pth'))))
    ct.trust_config_checkpoints(cfg)
    assert ct.is_trusted('/a/b.pth') and ct.is_trusted('/c/d.pth')
    assert not ct.is_trusted('/e/f.pth')


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load_checkpoint(str(tmp_path / 'nope.pth'))
