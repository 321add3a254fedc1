"""A hung rank makes a 2-process gloo run fail after the configured collective timeout.

Rank 1 stops itself with SIGSTOP before epoch 2 (hung, not dead: its sockets stay
open, so the peer sees no error). Rank 0 then waits in its next collective; with
``env_cfg.dist_cfg.timeout=20`` it must fail after about 20 s, not after gloo's
30 minutes.
"""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from mmengine.config import Config

from cmd_mmaction.engine.cpu_distributed import DEFAULT_CPU_TIMEOUT_S
from cmd_runs import CONFIG, EVAL, ROOT, TINY, data_options, train_tool

TIMEOUT_S = 20

STOPPER = '''
import os
import signal

from mmengine.hooks import Hook

from mmaction.registry import HOOKS


@HOOKS.register_module()
class StopRankHook(Hook):
    """Record each rank's pid; rank 1 stops itself (SIGSTOP) before epoch 2."""

    def __init__(self, pid_dir):
        self.pid_dir = pid_dir

    def _write(self, name):
        with open(os.path.join(self.pid_dir, name), 'w') as f:
            f.write(str(os.getpid()))

    def before_train(self, runner):
        self._write(f'rank{runner.rank}.pid')

    def before_train_epoch(self, runner):
        if runner.rank == 1 and runner.epoch == 1:
            self._write('stopped.pid')
            os.kill(os.getpid(), signal.SIGSTOP)
'''


def _exited(pid):
    """True once ``pid`` is gone or a zombie (not yet reaped by torchrun)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] in ('Z', 'X')
    except FileNotFoundError:
        return True


def _wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise AssertionError(what)
        time.sleep(0.2)


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_hung_rank_fails_the_run_after_the_configured_timeout(tmp_path, tiny_synthetic_pkl):
    (tmp_path / 'stop_rank.py').write_text(STOPPER)
    config = tmp_path / 'stopping.py'
    config.write_text(textwrap.dedent(f'''
        _base_ = [{CONFIG!r}]
        custom_imports = dict(imports=['cmd_mmaction', 'stop_rank'], allow_failed_imports=False)
        custom_hooks = [dict(type='StopRankHook', pid_dir={str(tmp_path)!r})]
    '''))
    log = tmp_path / 'out.log'
    env = dict(os.environ, PYTHONPATH=f'{ROOT}{os.pathsep}{tmp_path}', OMP_NUM_THREADS='1',
               PYTHON=sys.executable, PORT=str(_free_port()))
    args = ['bash', str(ROOT / 'tools/dist_train.sh'), str(config), '2', '--work-dir',
            str(tmp_path / 'work'), '--cfg-options', *data_options(tiny_synthetic_pkl), *TINY,
            *EVAL, 'train_dataloader.num_workers=0', 'train_cfg.max_epochs=3',
            f'env_cfg.dist_cfg.timeout={TIMEOUT_S}']
    with open(log, 'w') as out:
        proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    stopped = tmp_path / 'stopped.pid'
    try:
        _wait_for(lambda: stopped.exists() and stopped.read_text() or proc.poll() is not None,
                  300, 'rank 1 never reached epoch 2')
        assert proc.poll() is None, log.read_text()[-4000:]
        stopped_at = time.time()
        rank0 = int((tmp_path / 'rank0.pid').read_text())
        _wait_for(lambda: _exited(rank0), 3 * TIMEOUT_S + 60,
                  f'rank 0 still waits for the stopped rank after {3 * TIMEOUT_S + 60} s: '
                  'the configured collective timeout was not applied')
        waited = time.time() - stopped_at
        _kill(int(stopped.read_text()))  # torchrun would wait 30 s more for a stopped rank
        assert proc.wait(timeout=120) != 0
    finally:
        if stopped.exists() and stopped.read_text():
            _kill(int(stopped.read_text()))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    out = log.read_text()
    assert f'Timed out waiting {TIMEOUT_S * 1000}ms' in out, out[-4000:]
    assert TIMEOUT_S - 1 < waited < TIMEOUT_S + 40, waited


@pytest.mark.parametrize('tool_args, expected', [
    ([], None), (['--dist-timeout', '45'], 45.0)])
def test_dist_timeout_flag_sets_mmengines_key(tmp_path, tool_args, expected):
    args = train_tool.parse_args([CONFIG, '--work-dir', str(tmp_path), *tool_args])
    cfg = train_tool.merge_args(Config.fromfile(CONFIG), args)
    assert cfg.env_cfg.dist_cfg.get('timeout') == expected
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'  # the rest of dist_cfg is kept
    assert DEFAULT_CPU_TIMEOUT_S == 600


@pytest.mark.parametrize('value', ['0', '-5', 'soon'])
def test_dist_timeout_must_be_positive(value, capsys):
    with pytest.raises(SystemExit):
        train_tool.parse_args([CONFIG, '--dist-timeout', value])
    assert f"argument --dist-timeout: {value!r} is not a positive number" in capsys.readouterr().err
