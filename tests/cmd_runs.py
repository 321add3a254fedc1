"""Tiny CMD pretraining runs through tools/train.py, shared by several test files."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import train as train_tool  # noqa: E402
from tools.quickstart import CONFIG  # noqa: E402,F401  the main job's synthetic config

TINY = ['backbone.hidden=8', 'backbone.num_layers=1', 'neck.in_channels=16',
        'neck.hid_channels=16',
        'model.queue_len=10', 'model.distill.topk=4', 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=1', 'train_dataloader.persistent_workers=False',
        'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1',
        'train_cfg.val_begin=100']
EVAL = [f'{loader}.{opt}' for loader in ('val_dataloader', 'test_dataloader')
        for opt in ('num_workers=0', 'persistent_workers=False', 'batch_size=4')]


def data_options(ann_file):
    return [f'ann_file={ann_file}']  # every dataset of the config reads '{ann_file}'


def unique_name():
    """An experiment name no other run in this process has.

    mmengine names a run's logger and visualizer instances by experiment name and the
    start time in whole seconds; two runs of one config started within the same second
    would share them, and the second would log into the first one's directory.
    """
    return f'run_{uuid.uuid4().hex[:12]}'


def train(work_dir, ann_file, epochs, *options, resume=False, config=CONFIG):
    """Run tools/train.py in this process (``options``: more --cfg-options); returns the runner."""
    argv = [str(config), '--work-dir', str(work_dir), '--cfg-options', *data_options(ann_file),
            f'train_cfg.max_epochs={epochs}', f'experiment_name={unique_name()}', *TINY, *EVAL,
            *options]
    return train_tool.main(argv + (['--resume'] if resume else []))


def run_tool(args, cwd):
    """Run a repository tool (``args[0]``) in a subprocess; returns stdout + stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def logged_scalars(work_dir):
    """(epoch, iter) -> logged training scalars, from every run in the work dir."""
    records = {}
    for path in sorted(Path(work_dir).glob('*/vis_data/scalars.json')):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if 'loss' in record:
                records[(record['epoch'], record['iter'])] = record
    return records
