"""Stock mmaction2 ST-GCN through our tools: train, test, resume, 2-process CPU run."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'configs/supervised/stgcn_1xb16-joint-10e_synthetic-xsub-3d.py'


def _data_options(ann_file):
    return [f'{loader}.dataset.ann_file={ann_file}'
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def _run(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


# Small stock ST-GCN: same classes, narrower so the suite stays fast on 2 cores.
SMALL = ['model.backbone.base_channels=16', 'model.cls_head.in_channels=64',
         'train_dataloader.batch_size=8', 'val_dataloader.batch_size=8',
         'test_dataloader.batch_size=8']


@pytest.fixture(scope='module')
def trained(tmp_path_factory, tiny_synthetic_pkl):
    work = tmp_path_factory.mktemp('stgcn')
    opts = _data_options(tiny_synthetic_pkl) + SMALL + ['train_cfg.max_epochs=1']
    out = _run([sys.executable, str(ROOT / 'tools/train.py'), str(CONFIG), '--work-dir',
                str(work), '--cfg-options', *opts], cwd=work)
    assert (work / 'epoch_1.pth').is_file()
    return work, opts, out


@pytest.mark.slow
def test_train_one_epoch_validates(trained):
    _, _, out = trained
    assert 'Epoch(val) [1]' in out and 'acc/top1' in out


@pytest.mark.slow
def test_test_prints_top1_and_dumps(trained):
    work, opts, _ = trained
    dump = work / 'dump.pkl'
    out = _run([sys.executable, str(ROOT / 'tools/test.py'), str(CONFIG),
                str(work / 'epoch_1.pth'), '--work-dir', str(work), '--dump', str(dump),
                '--cfg-options', *opts], cwd=work)
    assert 'Epoch(test)' in out and 'acc/top1' in out
    assert dump.is_file()


@pytest.mark.slow
def test_resume_continues_from_last_epoch(trained):
    work, opts, _ = trained
    opts = [o for o in opts if not o.startswith('train_cfg.max_epochs')]
    out = _run([sys.executable, str(ROOT / 'tools/train.py'), str(CONFIG), '--work-dir',
                str(work), '--resume', '--cfg-options', *opts, 'train_cfg.max_epochs=2'],
               cwd=work)
    assert 'resumed epoch: 1' in out
    assert 'Epoch(train) [2]' in out and 'Epoch(train) [1]' not in out
    assert (work / 'epoch_2.pth').is_file()


@pytest.mark.slow
def test_dist_train_two_cpu_processes(tmp_path, tiny_synthetic_pkl):
    opts = _data_options(tiny_synthetic_pkl) + SMALL + ['train_cfg.max_epochs=1']
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1',
               PYTHON=sys.executable, PORT=str(29500 + os.getpid() % 1000))
    proc = subprocess.run(['bash', str(ROOT / 'tools/dist_train.sh'), str(CONFIG), '2',
                           '--work-dir', str(tmp_path), '--cfg-options', *opts],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'Distributed training: True' in out
    assert (tmp_path / 'epoch_1.pth').is_file()
