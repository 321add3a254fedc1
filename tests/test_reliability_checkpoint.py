"""Crash safety: atomic checkpoint writes, resume from the last complete checkpoint."""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner.checkpoint import save_checkpoint

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine.atomic_checkpoint import (AtomicLocalBackend,
                                                   find_resumable_checkpoint,
                                                   is_complete_checkpoint)
from cmd_mmaction.utils.atomic_io import write_bytes_atomic

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'configs/supervised/stgcn_1xb16-joint-10e_synthetic-xsub-3d.py'
SMALL = ['model.backbone.base_channels=16', 'model.cls_head.in_channels=64',
         'train_dataloader.batch_size=8']


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1')


def test_local_backend_is_atomic():
    assert isinstance(get_file_backend('/tmp/x.pth'), AtomicLocalBackend)


def test_interrupted_checkpoint_save_keeps_previous(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    save_checkpoint({'state_dict': {'w': torch.ones(3)}}, str(path))
    before = path.read_bytes()

    def fail(fd):  # the data is written, the process dies before the rename
        raise KeyboardInterrupt('killed during save')

    monkeypatch.setattr(os, 'fsync', fail)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({'state_dict': {'w': torch.zeros(1000)}}, str(path))
    with pytest.raises(KeyboardInterrupt):  # a new file: nothing under its final name
        save_checkpoint({'state_dict': {'w': torch.zeros(1000)}}, str(tmp_path / 'epoch_2.pth'))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_1.pth']  # no temp left


@pytest.mark.slow
def test_sigkill_during_write_leaves_old_file(tmp_path):
    """A writer killed by SIGKILL inside the write: the final name holds the old bytes."""
    target = tmp_path / 'last_checkpoint'
    target.write_text('old')
    script = textwrap.dedent(f"""
        import os, sys, time
        from cmd_mmaction.utils.atomic_io import write_bytes_atomic
        def slow_fsync(fd):
            print('writing', flush=True)
            time.sleep(60)
        os.fsync = slow_fsync
        write_bytes_atomic({str(target)!r}, b'x' * 5_000_000)
    """)
    proc = subprocess.Popen([sys.executable, '-c', script], env=_env(),
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == 'writing'
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert target.read_text() == 'old'
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != 'last_checkpoint']
    assert len(leftovers) == 1 and leftovers[0].endswith('.tmp')  # never the final name


def test_atomic_write_replaces_content(tmp_path):
    write_bytes_atomic(tmp_path / 'f', b'one')
    write_bytes_atomic(tmp_path / 'f', b'two')
    assert (tmp_path / 'f').read_bytes() == b'two' and len(list(tmp_path.iterdir())) == 1


def test_resume_point_skips_broken_checkpoints(tmp_path):
    for epoch in (1, 2, 3):
        save_checkpoint({'meta': {'epoch': epoch}}, str(tmp_path / f'epoch_{epoch}.pth'))
        os.utime(tmp_path / f'epoch_{epoch}.pth', (epoch, epoch))
    good = tmp_path / 'epoch_2.pth'
    broken = tmp_path / 'epoch_3.pth'
    broken.write_bytes(broken.read_bytes()[:len(broken.read_bytes()) // 2])  # truncated
    (tmp_path / 'last_checkpoint').write_text(str(broken))
    assert not is_complete_checkpoint(broken) and is_complete_checkpoint(good)
    assert find_resumable_checkpoint(str(tmp_path)) == str(good)
    # a pointer to a file removed by max_keep_ckpts: newest complete one
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_0.pth'))
    assert find_resumable_checkpoint(str(tmp_path)) == str(good)
    broken.unlink()
    good.write_bytes(b'')
    assert find_resumable_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    assert find_resumable_checkpoint(str(tmp_path / 'none')) is None


@pytest.mark.slow
def test_sigkilled_training_resumes(tmp_path, tiny_synthetic_pkl):
    """Kill tools/train.py at a random moment after 2 checkpoints, corrupt the newest,
    resume with --resume: it continues from the newest *complete* checkpoint."""
    opts = [f'train_dataloader.dataset.ann_file={tiny_synthetic_pkl}'] + SMALL
    train = [sys.executable, str(ROOT / 'tools/train.py'), str(CONFIG), '--work-dir',
             str(tmp_path), '--no-validate', '--cfg-options', *opts]
    proc = subprocess.Popen(train + ['train_cfg.max_epochs=50'], cwd=tmp_path, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (tmp_path / 'epoch_2.pth').exists():
            assert proc.poll() is None and time.time() < deadline, 'training did not start'
            time.sleep(0.02)
        time.sleep(random.Random(os.getpid()).uniform(0, 1.0))  # anywhere, saves included
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    checkpoints = sorted(tmp_path.glob('epoch_*.pth'), key=lambda p: int(p.stem[6:]))
    assert checkpoints and all(is_complete_checkpoint(p) for p in checkpoints)
    pointed = Path((tmp_path / 'last_checkpoint').read_text().strip())
    assert is_complete_checkpoint(pointed)
    last = int(pointed.stem[6:])
    # damage the newest checkpoint (disk error, copy interrupted by the user ...)
    pointed.write_bytes(pointed.read_bytes()[:1000])
    proc = subprocess.run(train + [f'train_cfg.max_epochs={last + 1}', '--resume'],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert f'skipping {pointed}' in out
    assert f'resumed epoch: {last - 1}' in out
    assert f'Epoch(train) [{last}]' in out and f'Epoch(train) [{last - 1}]' not in out
    assert is_complete_checkpoint(tmp_path / f'epoch_{last + 1}.pth')
