"""NonFiniteLossHook: a NaN input batch stops training or is skipped without an update."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import DataLoader

import cmd_mmaction  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


class ToyModel(BaseModel):
    """BatchNorm (a buffer the forward pass changes) + linear layer."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.bn = nn.BatchNorm1d(2)
        self.fc = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.fc(self.bn(torch.stack(inputs)))
        # loss_mse follows the input (NaN with it); loss_l2 only depends on the weights
        return dict(loss_mse=((out - 1) ** 2).mean(), loss_l2=1e-3 * self.fc.weight.pow(2).sum())


def _batches(nan_batch):
    gen = torch.Generator().manual_seed(0)
    data = [torch.randn(2, generator=gen) for _ in range(8)]
    if nan_batch is not None:
        data[2 * nan_batch] = torch.tensor([float('nan'), 0.])
    return data


def _train(tmp_path, name, data, hook):
    runner = Runner(
        model=ToyModel(), work_dir=str(tmp_path / name), experiment_name=f'nonfinite_{name}',
        train_dataloader=DataLoader(data, batch_size=2, shuffle=False,
                                    collate_fn=lambda b: dict(inputs=pseudo_collate(b))),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=[hook], default_scope='mmaction')
    return runner


def test_nan_input_stops_training_naming_iteration_and_terms(tmp_path):
    runner = _train(tmp_path, 'raise', _batches(nan_batch=2), dict(type='NonFiniteLossHook'))
    with pytest.raises(FloatingPointError) as info:
        runner.train()
    message = str(info.value)
    assert 'iteration 3 ' in message and 'loss_mse=nan' in message
    assert 'loss_l2' not in message  # only the non-finite terms are named
    weights = runner.model.fc.weight
    assert torch.isfinite(weights).all()  # the NaN step never reached the weights


def test_skip_equals_training_without_the_bad_batch(tmp_path):
    hook = dict(type='NonFiniteLossHook', skip=True)
    skipped = _train(tmp_path, 'skip', _batches(nan_batch=2), hook)
    skipped.train()
    clean_data = [x for i, x in enumerate(_batches(nan_batch=None)) if i // 2 != 2]
    clean = _train(tmp_path, 'clean', clean_data, dict(type='NonFiniteLossHook'))
    clean.train()
    assert skipped.message_hub.get_info('nonfinite_skipped') == 1
    assert 'update_params' not in vars(skipped.optim_wrapper)  # guard removed after training
    clean_state = clean.model.state_dict()
    for name, value in skipped.model.state_dict().items():
        # no update from the NaN batch; BatchNorm statistics (and counter) restored
        assert torch.allclose(value, clean_state[name]), name


def test_skip_limit_raises(tmp_path):
    runner = _train(tmp_path, 'limit', _batches(nan_batch=1),
                    dict(type='NonFiniteLossHook', skip=True, max_skipped=0))
    with pytest.raises(FloatingPointError, match='max_skipped=0'):
        runner.train()


def test_default_runtime_installs_the_hook():
    cfg = Config.fromfile(str(ROOT / 'configs/_base_/default_runtime.py'))
    assert dict(type='NonFiniteLossHook', skip=False) in cfg.custom_hooks


WORKER = '''
import json, sys
import torch
import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import init_cpu_dist, shutdown_distributed
sys.path.insert(0, sys.argv[2])
from test_reliability_nonfinite import ToyModel, _batches
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner
from torch.utils.data import DataLoader

init_cpu_dist('pytorch')
rank = torch.distributed.get_rank()
data = _batches(nan_batch=2 if rank == 1 else None)  # only rank 1 sees the NaN batch
runner = Runner(
    model=ToyModel(), work_dir=sys.argv[1] + f'/rank{rank}', launcher='pytorch',
    experiment_name=f'nonfinite_ddp_{rank}',
    cfg=dict(model_wrapper_cfg=dict(type='CPUCompatibleDDP')),
    train_dataloader=DataLoader(data, batch_size=2, shuffle=False,
                                collate_fn=lambda b: dict(inputs=pseudo_collate(b))),
    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
    train_cfg=dict(by_epoch=True, max_epochs=1), default_hooks=dict(checkpoint=None),
    custom_hooks=[dict(type='NonFiniteLossHook', skip=True)], default_scope='mmaction')
runner.train()
out = dict(skipped=runner.message_hub.get_info('nonfinite_skipped'),
           weight=runner.model.module.fc.weight.tolist())
with open(sys.argv[1] + f'/rank{rank}.json', 'w') as f:
    json.dump(out, f)
shutdown_distributed()
'''


@pytest.mark.slow
def test_ddp_ranks_skip_together(tmp_path):
    """A NaN on one rank only: every rank skips (no DDP hang), weights stay in sync."""
    import json
    import os
    import socket
    import subprocess
    import sys
    worker = tmp_path / 'worker.py'
    worker.write_text(WORKER)
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1', WORLD_SIZE='2',
               MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    procs = [subprocess.Popen([sys.executable, str(worker), str(tmp_path),
                               str(Path(__file__).parent)],
                              env=dict(env, RANK=str(r), LOCAL_RANK=str(r)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for r in range(2)]
    try:
        logs = [p.communicate(timeout=120)[0].decode()[-3000:] for p in procs]
    finally:
        for p in procs:  # a rank that did not skip would wait for its peer forever
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs), '\n'.join(logs)
    results = [json.loads((tmp_path / f'rank{r}.json').read_text()) for r in range(2)]
    assert [r['skipped'] for r in results] == [1, 1]
    assert results[0]['weight'] == results[1]['weight']
    assert all(torch.isfinite(torch.tensor(r['weight'])).all() for r in results)
