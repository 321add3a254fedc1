"""Every IKEM config: official hyper-parameters, builds, and trains one step (tiny)."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope

import cmd_mmaction  # noqa: F401
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmaction.structures import ActionDataSample

ROOT = Path(__file__).resolve().parents[1]
CFG_DIR = ROOT / 'configs/ikem'
CONFIGS = sorted(CFG_DIR.glob('*.py'))
DATASETS = ('ntu60-xsub', 'ntu60-xview', 'ntu120-xsub', 'ntu120-xset')
TINY_STGCN = {'num_stages': 2, 'inflate_stages': [2], 'down_stages': [2]}  # 32-d output


def tiny(prefix):
    return {f'{prefix}.{k}': v for k, v in TINY_STGCN.items()}


TEACHER = {**tiny('backbone'), 'neck.in_channels': 32, 'neck.hid_channels': 32,
           'model.ikem.in_channels': 32, 'model.ikem.hid_channels': 32, 'model.queue_len': 32}
STUDENT = {**tiny('backbone'), 'neck.in_channels': 32, 'neck.hid_channels': 32,
           'model.teacher.ikem.in_channels': 32, 'model.neck.in_channels': 32,
           'model.neck.hid_channels': 32, 'model.queue_len': 32, 'model.teacher.queue_len': 32}


def samples(n, labels=False):
    out = []
    for i in range(n):
        s = ActionDataSample(metainfo=dict(total_frames=40 + 10 * i))
        if labels:
            s.set_gt_label(i)
        out.append(s)
    return out


def train_once(model, cfg, inputs, data_samples):
    wrapper_cfg = cfg.optim_wrapper.copy()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type=wrapper_cfg.pop('constructor', 'DefaultOptimWrapperConstructor'),
        paramwise_cfg=wrapper_cfg.pop('paramwise_cfg', None), optim_wrapper_cfg=wrapper_cfg))
    wrapper = constructor(model)
    return model.train_step(dict(inputs=list(inputs), data_samples=data_samples), wrapper)


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    """Tiny teacher and student checkpoints (state dicts) from the ntu60-xsub configs."""
    work = tmp_path_factory.mktemp('ikem_ckpt')
    torch.manual_seed(0)
    cfg = load_config(str(ROOT / 'configs/ikem/ikem-teacher_stgcn-w16_1xb128-300e_'
                                 'ntu60-xsub-3d.py'), TEACHER)
    teacher = MODELS.build(cfg.model)
    teacher.init_weights()
    torch.save({'state_dict': teacher.state_dict()}, work / 'teacher.pth')
    cfg = load_config(str(ROOT / 'configs/ikem/ikem-student_stgcn-w16_1xb128-150e_'
                                 'ntu60-xsub-3d.py'),
                      {**STUDENT, 'teacher_checkpoint': str(work / 'teacher.pth')})
    student = MODELS.build(cfg.model)
    student.init_weights()
    torch.save({'state_dict': student.state_dict()}, work / 'student.pth')
    return {'teacher': work / 'teacher.pth', 'student': work / 'student.pth'}


def test_cmd_with_six_modalities_and_the_ikem_module_steps_once():
    path = str(CFG_DIR / 'cmd-ikem6_stgcn-w16_1xb64-451e_ntu60-xsub-3d.py')
    cfg = load_config(path)
    assert cfg.model.type == 'CMD' and len(cfg.model.modalities) == 6
    assert cfg.model.layout == 'nturgb+d-ikem6'
    cfg = load_config(path, {**tiny('backbone'), 'neck.in_channels': 32, 'neck.hid_channels': 32,
                             'model.queue_len': 32, 'model.distill.topk': 8})
    cfg.model.extra_losses[0].update(in_channels=32, hid_channels=32)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    x = torch.randn(4, 2, 2, 12, 25, 3, generator=torch.Generator().manual_seed(0))
    log = train_once(model, cfg, x, samples(4))
    assert {'loss_cmd', 'loss_moco_omega', 'loss_ikem_omega', 'loss_ikem_joint'} <= set(log)
    assert len(model.pairs) == 30


def test_every_stage_and_dataset_has_a_config():
    names = {p.name for p in CONFIGS}
    assert 'cmd-ikem6_stgcn-w16_1xb64-451e_ntu60-xsub-3d.py' in names
    for data in DATASETS:
        assert f'ikem-teacher_stgcn-w16_1xb128-300e_{data}-3d.py' in names
        assert f'ikem-student_stgcn-w16_1xb128-150e_{data}-3d.py' in names
        for who in ('ikem-teacher', 'ikem-student'):
            assert f'linear_{who}-joint_stgcn-w16_1xb128-100e_{data}-3d.py' in names


def _check_split(cfg, path):
    split = path.stem.split('_')[-1].split('-')[1]          # xsub / xview / xset
    assert cfg.train_dataloader.dataset.split == f'{split}_train'
    assert ('ntu120' in path.name) == ('ntu120' in cfg.train_dataloader.dataset.ann_file)


@pytest.mark.parametrize('path', [p for p in CONFIGS if p.name.startswith('ikem-teacher')],
                         ids=lambda p: p.stem)
def test_teacher_config_builds_and_steps_once(path):
    cfg = load_config(str(path))
    m = cfg.model
    assert (m.queue_len, m.momentum, m.cross_epoch) == (32768, 0.999, 150)
    assert m.head.temperature == m.cross_head.temperature == m.ikem.temperature == 0.07
    assert (m.cross_head.topk, m.cross_head.context) == (1, True)
    assert m.init_cfg == dict(type='IKEMInit')
    pipeline = cfg.train_dataloader.dataset.pipeline
    assert pipeline[0] == dict(type='IKEMPreNormalize', clip_len=50, layout='nturgb+d')
    assert pipeline[1].transforms[0].type == 'TemporalReflectCrop'
    assert len(m.modalities) == 6 and m.layout == 'nturgb+d-ikem6' and m.time_scale_frames == 50
    assert m.backbone.base_channels == 16 and m.ikem.out_channels == 768
    assert cfg.train_dataloader.batch_size == 128 and cfg.optim_wrapper.optimizer.lr == 0.1
    assert (cfg.train_cfg.max_epochs, cfg.param_scheduler[0].milestones) == (300, [250])
    _check_split(cfg, path)
    cfg = load_config(str(path), {**TEACHER, 'model.cross_epoch': 0})  # stage 2 from step 1
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    x = torch.randn(4, 2, 2, 12, 25, 3, generator=torch.Generator().manual_seed(0))
    log = train_once(model, cfg, x, samples(4))
    assert {'loss_cross_omega', 'loss_ikem_joint'} <= set(log) and torch.isfinite(log['loss'])


@pytest.mark.parametrize('path', [p for p in CONFIGS if p.name.startswith('ikem-student')],
                         ids=lambda p: p.stem)
def test_student_config_builds_and_steps_once(path, checkpoints):
    cfg = load_config(str(path))
    m = cfg.model
    assert m.teacher.type == 'IKEMTeacher' and len(m.teacher.modalities) == 6
    assert path.stem.replace('student', 'teacher').replace('150e', '300e') in m.teacher_checkpoint
    assert (m.queue_len, m.head.temperature, m.head.topk, m.neck.out_channels) == (
        32768, 0.07, 1, 768)
    assert tuple(m.modalities) == ('joint', 'motion', 'bone')
    assert (cfg.train_cfg.max_epochs, cfg.param_scheduler[0].milestones) == (150, [125])
    _check_split(cfg, path)
    with pytest.raises(FileNotFoundError, match='teacher_checkpoint'):
        MODELS.build(cfg.model)          # the teacher has not been trained here
    cfg = load_config(str(path), {**STUDENT, 'teacher_checkpoint': str(checkpoints['teacher'])})
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    x = torch.randn(4, 2, 2, 12, 25, 3, generator=torch.Generator().manual_seed(0))
    log = train_once(model, cfg, x, samples(4))
    assert {'loss_kd_joint', 'loss_kd_motion', 'loss_kd_bone'} <= set(log)


@pytest.mark.parametrize('path', [p for p in CONFIGS if p.name.startswith('linear_')],
                         ids=lambda p: p.stem)
def test_linear_config_loads_the_encoder_and_trains_only_the_classifier(path, checkpoints):
    cfg = load_config(str(path))
    who = 'teacher' if 'ikem-teacher' in path.name else 'student'
    prefix = cfg.model.pretrained_prefix.format(modality=cfg.model.modality)
    assert prefix == ('encoder_q' if who == 'teacher' else 'encoder_student') + '.joint.backbone.'
    assert cfg.model.frozen == ('backbone', )  # frozen and in eval mode, as the official code
    assert cfg.model.cls_head.init_cfg == dict(type='IKEMInit')
    assert cfg.model.cls_head.num_classes == (120 if 'ntu120' in path.name else 60)
    assert cfg.optim_wrapper.optimizer.lr == 3.0 and cfg.optim_wrapper.optimizer.weight_decay == 0
    assert (cfg.train_cfg.max_epochs, cfg.train_cfg.val_interval) == (100, 5)
    _check_split(cfg, path)
    cfg = load_config(str(path), {**tiny('backbone'), 'model.cls_head.in_channels': 32,
                                  'pretrained': str(checkpoints[who])})
    with DefaultScope.overwrite_default_scope('mmaction'):  # as tools/train.py
        model = MODELS.build(cfg.model)
    model.init_weights()
    state = torch.load(checkpoints[who])['state_dict']
    for name, value in model.backbone.state_dict().items():
        assert torch.equal(value, state[prefix + name]), name
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x = torch.randn(4, 1, 2, 50, 25, 3, generator=torch.Generator().manual_seed(0))
    log = train_once(model, cfg, x, samples(4, labels=True))
    assert torch.isfinite(log['loss'])
    for n, p in model.named_parameters():
        assert torch.equal(p, before[n]) == n.startswith('backbone.'), n
