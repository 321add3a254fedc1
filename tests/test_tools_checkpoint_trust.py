"""Safe checkpoint loading: full unpickling only for files the user named."""
import os
import pickle

import numpy as np
import pytest
import torch

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import checkpoint_trust as ct
from cmd_mmaction.engine.atomic_checkpoint import ResumeTrustError, find_resumable_checkpoint
from cmd_runs import train
from mmengine.runner.checkpoint import _load_checkpoint
from mmlog import captured_log


def _clear():
    ct._trusted_files.clear()
    ct._trusted_dirs.clear()
    ct._fully_unpickled.clear()


@pytest.fixture(autouse=True)
def _clean_trust():
    _clear()
    yield
    _clear()


class _Exploit:
    """Unpickling runs ``touch marker`` (what a crafted checkpoint would do)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


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


def test_full_unpickling_is_logged_once_per_file(tmp_path):
    first, second = tmp_path / 'a.pth', tmp_path / 'b.pth'
    for path in (first, second):
        _mmengine_style_checkpoint(path)
        ct.trust_checkpoint(str(path))
    plain = tmp_path / 'plain.pth'
    torch.save({'state_dict': {'w': torch.ones(1)}}, plain)
    with captured_log() as messages:
        for path in (first, first, second, plain, plain):
            _load_checkpoint(str(path))
    unpickled = [m for m in messages if 'full unpickling' in m]
    assert len(unpickled) == 2, messages  # one per trusted file, none for the safe load
    assert str(first) in unpickled[0] and str(second) in unpickled[1]


def _work_dir_with_outside_checkpoint(tmp_path, how):
    """A work dir whose resume candidate is a crafted checkpoint outside it."""
    work, outside, marker = tmp_path / 'work', tmp_path / 'elsewhere', tmp_path / 'pwned'
    work.mkdir()
    outside.mkdir()
    evil = outside / 'epoch_9.pth'
    torch.save({'state_dict': {}, 'meta': _Exploit(marker)}, evil)
    if how == 'pointer':
        (work / 'last_checkpoint').write_text(str(evil))
    else:  # a symlink inside the work dir leading out of it
        (work / 'epoch_9.pth').symlink_to(evil)
    return work, evil, marker


@pytest.mark.parametrize('how', ['pointer', 'symlink'])
def test_auto_resume_refuses_a_checkpoint_outside_the_work_dir(tmp_path, tiny_synthetic_pkl, how):
    work, evil, marker = _work_dir_with_outside_checkpoint(tmp_path, how)
    with pytest.raises(SystemExit) as info:
        train(work, tiny_synthetic_pkl, 1, resume=True)
    message = str(info.value)
    assert message.startswith('error: resume: ') and str(evil) in message
    assert 'outside the work dir' in message and f'--resume {evil}' in message
    assert not marker.exists()
    assert not ct.is_trusted(str(evil))
    pickle.loads(pickle.dumps(_Exploit(marker)))  # the payload is real: plain pickle runs it
    assert marker.exists()


def test_auto_resume_follows_paths_inside_the_work_dir(tmp_path):
    """A symlinked work dir, and links that stay inside it, are fine."""
    real = tmp_path / 'real'
    real.mkdir()
    torch.save({'state_dict': {}}, real / 'ckpt.pth')
    (real / 'epoch_1.pth').symlink_to(real / 'ckpt.pth')
    link = tmp_path / 'link'
    link.symlink_to(real)
    (real / 'last_checkpoint').write_text(str(link / 'epoch_1.pth'))
    assert find_resumable_checkpoint(str(link)) == str(link / 'epoch_1.pth')
    # a pointer to a file outside that no longer exists is skipped, not loaded
    (real / 'last_checkpoint').write_text(str(tmp_path / 'gone.pth'))
    assert find_resumable_checkpoint(str(link)) == str(link / 'epoch_1.pth')
    (tmp_path / 'gone.pth').write_bytes(b'x')
    with pytest.raises(ResumeTrustError, match='gone.pth'):
        find_resumable_checkpoint(str(link))
