"""2-process (gloo) CMD pretraining through tools/dist_train.sh on CPU."""
import os
import subprocess
import sys

import pytest
import torch

from cmd_runs import CONFIG, EVAL, ROOT, TINY, data_options


@pytest.mark.slow
def test_two_process_pretraining_gathers_keys_from_both_ranks(tmp_path, tiny_synthetic_pkl):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1', PYTHON=sys.executable,
               PORT=str(29700 + os.getpid() % 1000))
    proc = subprocess.run(
        ['bash', str(ROOT / 'tools/dist_train.sh'), CONFIG, '2', '--work-dir', str(tmp_path),
         '--cfg-options', *data_options(tiny_synthetic_pkl), *TINY, *EVAL,
         'train_cfg.max_epochs=1'],
        env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    state = torch.load(tmp_path / 'epoch_1.pth', map_location='cpu', weights_only=False)
    # 12 training clips over 2 ranks, batch 4, drop_last: 1 step per rank of 2 x 4 keys, all
    # enqueued on every rank (one process would have made 3 steps of 4 keys: ptr 2)
    assert state['meta']['iter'] == 1
    for modality in ('joint', 'motion', 'bone'):
        assert int(state['state_dict'][f'queues.{modality}.ptr']) == 8 % 10
