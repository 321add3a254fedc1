"""Every CMD pretraining config: inherits cleanly, builds, and trains one step."""
from pathlib import Path

import pytest
import torch
import cmd_mmaction  # noqa: F401
from cmd_mmaction.skeleton.layouts import get_layout
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmaction.structures import ActionDataSample

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / 'configs/cmd').glob('*.py'))
# shrink the encoders and the queue so one step runs in well under a second
SMALL = {
    'BiGRU': {'backbone.hidden': 8, 'backbone.num_layers': 1, 'neck.in_channels': 16,
              'neck.hid_channels': 16},
    'STGCN': {'backbone.num_stages': 2, 'backbone.inflate_stages': [2],
              'backbone.down_stages': [2], 'neck.in_channels': 32, 'neck.hid_channels': 32},
}


def test_every_dataset_and_backbone_has_a_config():
    names = {p.name for p in CONFIGS}
    for backbone in ('bigru', 'stgcn-w16'):
        for data in ('451e_ntu60-xsub', '451e_ntu60-xview', '451e_ntu120-xsub',
                     '451e_ntu120-xset', '1001e_pku2-xsub'):
            assert f'cmd_{backbone}_1xb64-{data}-3d.py' in names


def _assert_official(cfg):
    """The official hyper-parameters (docs/method_cmd.md)."""
    distill = cfg.model.distill
    assert (cfg.model.queue_len, distill.topk, cfg.model.momentum) == (16384, 8192, 0.999)
    assert (distill.teacher_temp, distill.student_temp, distill.loss_weight) == (0.05, 0.1, 1.0)
    assert cfg.model.head.temperature == 0.07
    assert cfg.train_dataloader.batch_size == 64
    assert cfg.optim_wrapper.optimizer.lr == 0.01


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_and_steps_once(path):
    cfg = load_config(str(path))
    if not any(tag in path.name for tag in ('synthetic', '_msr-', '_nw-ucla-')):  # small data
        _assert_official(cfg)
        assert cfg.train_cfg.max_epochs == (1001 if 'pku2' in path.name else 451)
    assert cfg.custom_imports.imports == ['cmd_mmaction']
    cfg = load_config(str(path), {**SMALL[cfg.model.backbone.type], 'model.queue_len': 32,
                                  'model.distill.topk': 8})
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type=cfg.optim_wrapper.constructor,
        optim_wrapper_cfg=dict(optimizer=cfg.optim_wrapper.optimizer)))(model)
    joints = get_layout(cfg.model.layout).num_joints
    persons = cfg.model.backbone.get('num_person', 2)
    x = torch.randn(4, 2, persons, 16, joints, 3, generator=torch.Generator().manual_seed(0))
    log_vars = model.train_step(
        dict(inputs=list(x), data_samples=[ActionDataSample() for _ in range(4)]), wrapper)
    assert {f'loss_moco_{m}' for m in ('joint', 'motion', 'bone')} | {'loss_cmd'} <= set(log_vars)
    assert torch.isfinite(log_vars['loss'])
