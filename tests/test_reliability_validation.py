"""Config validation at build time: one clear error per problem, before data is read."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import ConfigValidationError, validate_config
from cmd_mmaction.utils import load_config

ROOT = Path(__file__).resolve().parents[1]
CMD = ROOT / 'configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py'
SUPERVISED = ROOT / 'configs/supervised/stgcn_1xb16-joint-10e_synthetic-xsub-3d.py'
VALID = sorted((ROOT / 'configs/cmd').glob('*.py')) + [SUPERVISED]


def _cfg(path, **options):
    """The config as the tools check it: options merged, placeholders resolved."""
    return load_config(str(path), options)


@pytest.mark.parametrize('path', VALID, ids=lambda p: p.stem)
def test_shipped_configs_are_valid(path):
    validate_config(_cfg(path), 'train')
    validate_config(_cfg(path), 'test')


@pytest.mark.parametrize('options, message', [
    ({'model.modalities': ('joint', 'jiont')}, "model.modalities: unknown modality 'jiont'"),
    ({'model.distill.topk': 20000},
     'model.distill: CMDLoss: topk (20000) must not exceed the queue length (16384)'),
    ({'model.queue_len': 32, 'model.distill.topk': 8},
     'queue_len (32) is smaller than the global batch (64 = '),
    ({'backbone.init_cfg': dict(type='Pretrained', checkpoint='/no/such/teacher.pth')},
     'model.backbone.init_cfg.checkpoint: checkpoint not found: /no/such/teacher.pth'),
    ({'model.teacher_checkpoint': '/no/such/frozen.pth'},
     'model.teacher_checkpoint: checkpoint not found: /no/such/frozen.pth'),
    ({'load_from': '/no/such/epoch_3.pth'}, 'load_from: checkpoint not found'),
])
def test_each_problem_is_reported(options, message):
    with pytest.raises(ConfigValidationError) as info:
        validate_config(_cfg(CMD, **options), 'train')
    assert message in str(info.value) and len(info.value.problems) == 1


def test_queue_against_world_size(monkeypatch):
    cfg = _cfg(CMD, **{'model.queue_len': 100, 'model.distill.topk': 8})
    validate_config(cfg, 'train')  # 100 >= 64 on one process
    monkeypatch.setenv('WORLD_SIZE', '2')
    with pytest.raises(ConfigValidationError, match=r'global batch \(128 = '):
        validate_config(cfg, 'train', launcher='pytorch')
    validate_config(cfg, 'test', launcher='pytorch')  # no queue updates when testing


def test_num_classes_mismatch():
    cfg = load_config(str(SUPERVISED))
    cfg.val_dataloader.dataset.num_classes = 60  # one dataset disagrees with the variable
    with pytest.raises(ConfigValidationError,
                       match=r'model.cls_head.num_classes \(12\) does not match '
                             r'val_dataloader.dataset.num_classes \(60\)'):
        validate_config(cfg, 'train')


def test_truncated_checkpoint_is_reported(tmp_path):
    import torch
    path = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'w': torch.ones(100)}}, path)
    validate_config(_cfg(CMD, load_from=str(path)), 'test')
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ConfigValidationError, match='epoch_1.pth is empty, truncated or corrupt'):
        validate_config(_cfg(CMD, load_from=str(path)), 'test')


def test_init_cfg_is_not_needed_for_testing():
    cfg = _cfg(CMD, **{'backbone.init_cfg': dict(type='Pretrained', checkpoint='/x.pth')})
    validate_config(cfg, 'test')


@pytest.mark.parametrize('tool', ['train', 'test'])
@pytest.mark.slow
def test_tools_validate_before_reading_data(tool, tmp_path):
    """The data file does not exist: the validation error must come first."""
    args = [sys.executable, str(ROOT / f'tools/{tool}.py'), str(CMD)]
    if tool == 'test':
        ckpt = tmp_path / 'epoch_1.pth'
        ckpt.write_bytes(b'')  # also reported
        args.append(str(ckpt))
    args += ['--work-dir', str(tmp_path), '--cfg-options', 'model.modalities=[joint,bogus]']
    proc = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode != 0
    assert "ConfigValidationError" in proc.stderr and "unknown modality 'bogus'" in proc.stderr


LINEAR = ROOT / 'configs/linear/linear_bigru_1xb64-80e_ntu60-xsub-3d-joint.py'
STUDENT = ROOT / 'configs/ikem/ikem-student_stgcn-w16_1xb128-150e_ntu60-xsub-3d.py'


def test_pretrained_encoder_checkpoint_is_checked(tmp_path):
    """The ``pretrained`` encoder checkpoint (linear / semi / finetune configs)."""
    key = 'model.pretrained'
    with pytest.raises(ConfigValidationError) as info:  # the shipped default path
        validate_config(_cfg(LINEAR), 'train')
    assert info.value.problems == [f'{key}: checkpoint not found: work_dirs/'
                                   'cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth']
    import torch
    path = tmp_path / 'epoch_451.pth'
    torch.save({'state_dict': {'encoder_q.joint.backbone.w': torch.ones(100)}}, path)
    validate_config(_cfg(LINEAR, pretrained=str(path)), 'train')
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ConfigValidationError, match=f'{key}: {path} is empty, truncated'):
        validate_config(_cfg(LINEAR, pretrained=str(path)), 'train')
    validate_config(_cfg(LINEAR, pretrained=str(path)), 'test')  # tools/test.py loads its own


def test_ikem_student_teacher_checkpoint_is_checked():
    with pytest.raises(ConfigValidationError) as info:
        validate_config(_cfg(STUDENT), 'train')
    assert info.value.problems == ['model.teacher_checkpoint: checkpoint not found: work_dirs/'
                                   'ikem-teacher_stgcn-w16_1xb128-300e_ntu60-xsub-3d/epoch_300.pth']
