"""Distributed CPU (gloo) runs: CMD pretraining and kNN evaluation on 2 processes.

The eval set has an odd size (12 bank + 11 query clips), so mmengine's
DefaultSampler pads one rank with a repeated sample; the evaluator must drop it
(``collect_results`` truncates to the dataset size) for the 2-process metrics to
equal the 1-process ones.
"""
import os
import pickle
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.dataset import DefaultSampler

import cmd_mmaction  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
CMD = ROOT / 'configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py'
TINY_CMD = ['backbone.hidden=8', 'backbone.num_layers=1',
            'neck.in_channels=16', 'neck.hid_channels=16',
            'model.queue_len=32', 'model.distill.topk=8']


def cmd_options(train_ann, eval_ann, batch_size=4):
    opts = list(TINY_CMD) + [f'train_dataloader.dataset.ann_file={train_ann}']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.batch_size={batch_size}', f'{loader}.num_workers=0',
                 f'{loader}.persistent_workers=False']
    for loader in ('val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.dataset.{part}.ann_file={eval_ann}' for part in ('bank', 'query')]
    return opts


def run(args, cwd, port=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1', PYTHON=sys.executable)
    if port:
        env['PORT'] = str(port)
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[:3000] + '\n...\n' + out[-5000:]
    return out


def knn_metrics(out):
    line = [ln for ln in out.splitlines() if 'Epoch(test)' in ln][-1]
    metrics = dict(re.findall(r'(knn/\w+): ([0-9.]+)', line))
    assert metrics, line
    return metrics


def _port(offset=0):
    """A port free right now (other suites may run torchrun jobs concurrently)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture(scope='module')
def odd_eval_pkl(tmp_path_factory, tiny_synthetic_pkl):
    """The tiny set with one val clip removed: 12 bank + 11 query = 23 samples."""
    with open(tiny_synthetic_pkl, 'rb') as f:  # our own generated file
        data = pickle.load(f)
    data['split']['xsub_val'] = data['split']['xsub_val'][:-1]
    path = tmp_path_factory.mktemp('odd') / 'odd.pkl'
    path.write_bytes(pickle.dumps(data))
    return str(path)


@pytest.fixture(scope='module')
def dist_pretrained(tmp_path_factory, tiny_synthetic_pkl):
    """CMD pretraining (1 epoch, kNN monitor) on 2 gloo processes."""
    work = tmp_path_factory.mktemp('cmd_dist')
    opts = cmd_options(tiny_synthetic_pkl, tiny_synthetic_pkl) + [
        'train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1',
        'default_hooks.checkpoint.interval=1']
    out = run(['bash', str(ROOT / 'tools/dist_train.sh'), str(CMD), '2', '--work-dir',
               str(work), '--cfg-options', *opts], work, port=_port(0))
    return work, out


@pytest.mark.slow
def test_cmd_pretraining_on_two_processes(dist_pretrained):
    work, out = dist_pretrained
    assert 'Distributed training: True' in out
    assert 'loss_cmd' in out and 'knn/joint_top1' in out  # trained and monitored
    assert (work / 'epoch_1.pth').is_file()


@pytest.mark.slow
def test_two_process_eval_equals_one_process(dist_pretrained, tiny_synthetic_pkl,
                                             odd_eval_pkl, tmp_path):
    work, _ = dist_pretrained
    ckpt = str(work / 'epoch_1.pth')
    opts = cmd_options(tiny_synthetic_pkl, odd_eval_pkl)
    single = run([sys.executable, str(ROOT / 'tools/test.py'), str(CMD), ckpt, '--work-dir',
                  str(tmp_path / 'one'), '--dump', str(tmp_path / 'one.pkl'),
                  '--cfg-options', *opts], tmp_path)
    double = run(['bash', str(ROOT / 'tools/dist_test.sh'), str(CMD), ckpt, '2', '--work-dir',
                  str(tmp_path / 'two'), '--dump', str(tmp_path / 'two.pkl'),
                  '--cfg-options', *opts], tmp_path, port=_port(1))
    assert 'Distributed training: True' in double
    one, two = knn_metrics(single), knn_metrics(double)
    assert set(one) >= {'knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1'}
    assert one == two
    # what the metrics saw: the 23 samples once each, in dataset order, same features
    dumps = [pickle.loads((tmp_path / f'{n}.pkl').read_bytes()) for n in ('one', 'two')]
    names = [[d['frame_dir'] for d in dump] for dump in dumps]
    assert len(names[0]) == 23 and names[0] == names[1]
    for a, b in zip(*dumps):
        assert torch.allclose(a['feat_joint'], b['feat_joint'], atol=1e-5)


@pytest.mark.parametrize('shuffle', [False, True])
@pytest.mark.parametrize('size', [23, 24])
def test_sampler_and_collection_cover_each_sample_once(monkeypatch, shuffle, size):
    """Each rank's DefaultSampler indices, gathered as mmengine's collect_results does
    (interleaved by rank, truncated to the dataset size), are every index exactly once."""
    world = 2
    per_rank = []
    for rank in range(world):
        monkeypatch.setattr('mmengine.dataset.sampler.get_dist_info', lambda r=rank: (r, world))
        sampler = DefaultSampler(list(range(size)), shuffle=shuffle, seed=0)
        sampler.set_epoch(3)
        per_rank.append(list(sampler))
    assert len(per_rank[0]) == len(per_rank[1])  # padded to equal length
    gathered = [i for group in zip(*per_rank) for i in group][:size]
    assert sorted(gathered) == list(range(size))
