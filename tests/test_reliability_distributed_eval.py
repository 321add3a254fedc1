"""2-process (gloo) kNN evaluation equals the 1-process one, each sample counted once."""
import json
import os
import subprocess
import sys
from pathlib import Path

from cmd_runs import CONFIG, EVAL, TINY, data_options, train, unique_name
from tools import test as test_tool

ROOT = Path(__file__).resolve().parents[1]


def _dist_metrics(work_dir):
    for path in Path(work_dir).glob('*/*.json'):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if 'knn/fused_top1' in record:
                return record
    raise AssertionError(f'no kNN metrics logged under {work_dir}')


def test_two_process_knn_equals_one_process(tmp_path, tiny_synthetic_pkl):
    train(tmp_path / 'pretrain', tiny_synthetic_pkl, 1)
    ckpt = str(tmp_path / 'pretrain/epoch_1.pth')
    # 12 bank + 11 query samples on 2 ranks: DefaultSampler pads rank 1 with a duplicate
    opts = data_options(tiny_synthetic_pkl) + TINY + EVAL + [
        'test_dataloader.batch_size=5', 'test_dataloader.dataset.query.indices=11']
    single = test_tool.main([CONFIG, ckpt, '--work-dir', str(tmp_path / 'one'),
                             '--cfg-options', *opts, f'experiment_name={unique_name()}'])
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1', PYTHON=sys.executable,
               PORT=str(29600 + os.getpid() % 1000))
    proc = subprocess.run(['bash', str(ROOT / 'tools/dist_test.sh'), CONFIG, ckpt, '2',
                           '--work-dir', str(tmp_path / 'two'), '--cfg-options', *opts],
                          env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    double = _dist_metrics(tmp_path / 'two')
    for key in ('knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1', 'knn/fused_top1'):
        assert double[key] == single[key], key
    # the metric saw every bank and query sample exactly once (no padded duplicates)
    assert '12 bank / 11 query samples' in out
