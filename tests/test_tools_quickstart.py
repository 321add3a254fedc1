"""The README's main job (tools/quickstart.py): short output, the table, the pictures."""
import os
import subprocess
import sys

import pytest

from cmd_runs import ROOT  # also puts the repository root on sys.path
from tools import quickstart

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def test_format_table_rows_modalities_fused_last():
    table = quickstart.format_table({
        'a': {'knn/joint_top1': 0.5, 'knn/fused_top1': 0.75, 'knn/bone_top1': 0.125},
        'b': {'knn/joint_top1': 0.25}})
    assert table.splitlines() == [
        '| kNN top-1 (%) | a | b |', '| --- | ---: | ---: |',
        '| bone | 12.5 | - |', '| joint | 50.0 | 25.0 |', '| fused | 75.0 | - |']


def _quickstart(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop('OMP_NUM_THREADS', None)  # the job sets its own threads
    return subprocess.run([sys.executable, str(ROOT / 'tools/quickstart.py'), *map(str, args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_smoke_run_prints_a_short_report_and_writes_valid_pngs(tmp_path):
    import matplotlib.image
    proc = _quickstart('--smoke', '--work-dir', tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    lines = proc.stdout.splitlines()  # also splits at carriage returns
    assert len(lines) <= 40, proc.stdout
    assert proc.stderr == ''  # warnings and mmengine's reports went to the log
    for phase in ('data', 'pretrain', 'evaluate', 'pictures'):
        assert sum(line.startswith(phase + ' ') for line in lines) == 1, phase
    table = lines.index('| kNN top-1 (%) | CMD pretrained | random init |')
    assert [line.split(' |')[0] for line in lines[table + 2:table + 6]] == [
        '| bone', '| joint', '| motion', '| fused']
    for png in ('knn_curve.png', 'tsne_joint.png'):
        path = tmp_path / png
        assert str(path) in proc.stdout
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        height, width, _ = matplotlib.image.imread(path).shape
        assert height > 100 and width > 100
    log = (tmp_path / 'quickstart.log').read_text()
    assert '==> python tools/train.py' in log and '==> python tools/test.py' in log
    assert 'Epoch(train)' in log and 'torch intra-op threads: 1' in log


@pytest.mark.slow
def test_a_failing_phase_shows_the_error_and_the_end_of_the_log(tmp_path):
    # top-k above the queue length: refused by the config check before any training
    proc = _quickstart('--smoke', '--work-dir', tmp_path, '--cfg-options', 'model.queue_len=2')
    assert proc.returncode != 0
    assert 'error: the pretrain phase failed; the last lines of' in proc.stderr
    assert 'topk (4) must not exceed the queue length (2)' in proc.stderr
