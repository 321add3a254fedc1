"""tools/slurm_train.sh and tools/slurm_test.sh with a stub ``srun`` that starts the tasks
on this machine (2 CPU processes over gloo, the ``SLURM_*`` variables srun would set)."""
import glob
import json
import os
import stat
import subprocess
import sys

import pytest
import torch

from cmd_runs import CONFIG, EVAL, ROOT, TINY, data_options, unique_name
from tools import test as test_tool

# srun's options are all --name=value in the scripts; the stub starts the command after
# them --ntasks times, records its options, and fails when a task fails
STUB_SRUN = r'''#!/usr/bin/env bash
N=1
OPTS=()
while [[ "$1" == -* ]]; do
    OPTS+=("$1")
    case "$1" in --ntasks=*) N=${1#--ntasks=} ;; esac
    shift
done
printf '%s\n' "${OPTS[@]}" > "$SRUN_RECORD/options"
pids=()
for ((i = 0; i < N; i++)); do
    SLURM_PROCID=$i SLURM_NTASKS=$N SLURM_LOCALID=$i SLURM_NODELIST=localhost \
        "$@" > "$SRUN_RECORD/rank$i.log" 2>&1 &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
'''


def _slurm(script, args, record, port):
    bin_dir = record / 'bin'
    bin_dir.mkdir(parents=True, exist_ok=True)
    srun = bin_dir / 'srun'
    srun.write_text(STUB_SRUN)
    srun.chmod(srun.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}',
               PYTHON=sys.executable, OMP_NUM_THREADS='1', SRUN_RECORD=str(record),
               GPUS='2', GPUS_PER_NODE='0', MASTER_PORT=str(port))
    env.pop('MASTER_ADDR', None)
    proc = subprocess.run(['bash', str(ROOT / 'tools' / script), 'cpu', 'cmd-test', *args],
                          env=env, capture_output=True, text=True, timeout=600)
    logs = '\n'.join(f'--- {p}\n' + open(p).read()[-3000:]
                     for p in sorted(glob.glob(str(record / 'rank*.log'))))
    assert proc.returncode == 0, proc.stdout + proc.stderr + logs
    return (record / 'options').read_text().split()


@pytest.mark.slow
def test_slurm_scripts_train_on_two_cpu_ranks_and_test_agrees(tmp_path, tiny_synthetic_pkl):
    port = 29900 + os.getpid() % 500
    options = [*data_options(tiny_synthetic_pkl), *TINY, *EVAL, 'train_cfg.max_epochs=1']
    srun_opts = _slurm('slurm_train.sh',
                       [CONFIG, '--work-dir', str(tmp_path / 'train'), '--cfg-options',
                        *options, f'experiment_name={unique_name()}'],
                       tmp_path / 'srun_train', port)
    assert '--ntasks=2' in srun_opts and not any(o.startswith('--gres') for o in srun_opts)
    ckpt = tmp_path / 'train' / 'epoch_1.pth'
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    # 12 training clips over 2 ranks, batch 4, drop_last: 1 step per rank; the queues hold
    # the 2 x 4 keys of both ranks (one process alone: 3 steps of 4 keys, ptr 2)
    assert state['meta']['iter'] == 1
    for modality in ('joint', 'motion', 'bone'):
        assert int(state['state_dict'][f'queues.{modality}.ptr']) == 8 % 10

    # the 2-rank kNN test (each rank embeds half, results gathered) equals one process
    _slurm('slurm_test.sh', [CONFIG, str(ckpt), '--work-dir', str(tmp_path / 'test'),
                             '--cfg-options', *options, f'experiment_name={unique_name()}'],
           tmp_path / 'srun_test', port + 1)
    metrics_file, = glob.glob(str(tmp_path / 'test' / '*' / '*.json'))
    with open(metrics_file) as f:
        two_ranks = json.loads(f.read().splitlines()[-1])
    one = test_tool.main([CONFIG, str(ckpt), '--work-dir', str(tmp_path / 'test1'),
                          '--cfg-options', *options, f'experiment_name={unique_name()}'])
    for key in ('knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1', 'knn/fused_top1'):
        assert two_ranks[key] == pytest.approx(one[key], abs=1e-6), key
