"""Golden losses: a few training steps of CMD (BiGRU and ST-GCN), the IKEM teacher (both
stages), the IKEM student and a linear probe, built from the shipped configs (shrunk),
on fixed seeds and inputs. The numbers were recorded before the architecture refactor;
any change to them is a change of behaviour."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

import cmd_mmaction  # noqa: F401
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmaction.structures import ActionDataSample
from fixtures_skeleton import ROOT

CMD_BIGRU = 'configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py'
CMD_STGCN = 'configs/cmd/cmd_stgcn-w16_1xb32-120e_msr-xsub-3d.py'
TEACHER = 'configs/ikem/ikem-teacher_stgcn-w16_1xb128-300e_ntu60-xsub-3d.py'
STUDENT = 'configs/ikem/ikem-student_stgcn-w16_1xb128-150e_ntu60-xsub-3d.py'
LINEAR = 'configs/linear/linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-motion.py'

TINY_GRU = {'backbone.hidden': 16, 'backbone.num_layers': 1, 'neck.in_channels': 32,
            'neck.hid_channels': 32}
TINY_STGCN = {'num_stages': 2, 'inflate_stages': [2], 'down_stages': [2]}  # 32-d output
QUEUE = {'model.queue_len': 16, 'model.distill.topk': 8}
# the main job's config moved to Adam; its golden steps were recorded with the SGD it had
SGD = {'optim_wrapper.optimizer': dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)}


def stgcn(prefix):
    return {f'{prefix}.{k}': v for k, v in TINY_STGCN.items()}


TEACHER_TINY = {**stgcn('backbone'), 'neck.in_channels': 32, 'neck.hid_channels': 32,
                'model.ikem.in_channels': 32, 'model.ikem.hid_channels': 32,
                'model.queue_len': 16}
STUDENT_TINY = {**stgcn('backbone'), 'neck.in_channels': 32, 'neck.hid_channels': 32,
                'model.teacher.ikem.in_channels': 32, 'model.neck.in_channels': 32,
                'model.neck.hid_channels': 32, 'model.queue_len': 16,
                'model.teacher.queue_len': 16}

# recorded at commit 02dc4bd (before the refactor), rounded to 6 decimals
GOLDEN = {'cmd_bigru': [{'acc_moco_bone': 1.0,
                'acc_moco_joint': 1.0,
                'acc_moco_motion': 1.0,
                'loss': 5.419791,
                'loss_cmd': 5.41655,
                'loss_moco_bone': 0.001872,
                'loss_moco_joint': 0.001185,
                'loss_moco_motion': 0.000185},
               {'acc_moco_bone': 0.25,
                'acc_moco_joint': 0.5,
                'acc_moco_motion': 0.5,
                'loss': 13.784452,
                'loss_cmd': 7.977611,
                'loss_moco_bone': 1.850955,
                'loss_moco_joint': 1.701063,
                'loss_moco_motion': 2.254824}],
 'cmd_stgcn': [{'acc_moco_bone': 1.0,
                'acc_moco_joint': 1.0,
                'acc_moco_motion': 1.0,
                'loss': 4.342811,
                'loss_cmd': 4.342712,
                'loss_moco_bone': 1.7e-05,
                'loss_moco_joint': 6.8e-05,
                'loss_moco_motion': 1.3e-05},
               {'acc_moco_bone': 0.5,
                'acc_moco_joint': 0.75,
                'acc_moco_motion': 0.25,
                'loss': 4.464021,
                'loss_cmd': 0.093149,
                'loss_moco_bone': 1.487924,
                'loss_moco_joint': 1.400655,
                'loss_moco_motion': 1.482294}],
 'ikem_student': [{'loss': 10.623409,
                   'loss_kd_bone': 3.519844,
                   'loss_kd_joint': 3.406764,
                   'loss_kd_motion': 3.696801},
                  {'loss': 6.542323,
                   'loss_kd_bone': 2.181212,
                   'loss_kd_joint': 2.180774,
                   'loss_kd_motion': 2.180337}],
 'ikem_teacher': [{'acc_moco_accel': 1.0,
                   'acc_moco_axis': 1.0,
                   'acc_moco_bone': 1.0,
                   'acc_moco_joint': 1.0,
                   'acc_moco_motion': 1.0,
                   'acc_moco_omega': 1.0,
                   'loss': 0.000148,
                   'loss_moco_accel': 2.9e-05,
                   'loss_moco_axis': 1.3e-05,
                   'loss_moco_bone': 5.2e-05,
                   'loss_moco_joint': 2e-05,
                   'loss_moco_motion': 1.8e-05,
                   'loss_moco_omega': 1.7e-05},
                  {'acc_moco_accel': 0.5,
                   'acc_moco_axis': 0.25,
                   'acc_moco_bone': 0.25,
                   'acc_moco_joint': 0.25,
                   'acc_moco_motion': 0.5,
                   'acc_moco_omega': 0.0,
                   'loss': 8.947372,
                   'loss_moco_accel': 1.127831,
                   'loss_moco_axis': 1.61741,
                   'loss_moco_bone': 1.598685,
                   'loss_moco_joint': 1.591991,
                   'loss_moco_motion': 1.411037,
                   'loss_moco_omega': 1.600419},
                  {'loss': 44.309807,
                   'loss_cross_accel': 6.725703,
                   'loss_cross_axis': 3.755146,
                   'loss_cross_bone': 3.550761,
                   'loss_cross_joint': 3.499676,
                   'loss_cross_motion': 6.049088,
                   'loss_cross_omega': 3.805758,
                   'loss_ikem_accel': 3.103127,
                   'loss_ikem_axis': 3.224633,
                   'loss_ikem_bone': 2.633963,
                   'loss_ikem_joint': 2.580257,
                   'loss_ikem_motion': 2.690835,
                   'loss_ikem_omega': 2.690859},
                  {'loss': 58.261051,
                   'loss_cross_accel': 7.022012,
                   'loss_cross_axis': 6.439331,
                   'loss_cross_bone': 6.368649,
                   'loss_cross_joint': 10.174287,
                   'loss_cross_motion': 8.838945,
                   'loss_cross_omega': 4.124776,
                   'loss_ikem_accel': 2.541027,
                   'loss_ikem_axis': 2.565174,
                   'loss_ikem_bone': 2.562032,
                   'loss_ikem_joint': 2.548668,
                   'loss_ikem_motion': 2.52508,
                   'loss_ikem_omega': 2.551072}],
 'linear_probe': [{'loss': 1.118879, 'loss_cls': 1.118879, 'top1_acc': 0.0, 'top5_acc': 1.0},
                  {'loss': 1.072583, 'loss_cls': 1.072583, 'top1_acc': 0.5, 'top5_acc': 1.0}]}


@pytest.fixture(autouse=True)
def _scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        MessageHub.get_current_instance().update_info('epoch', 0)
        yield
        MessageHub.get_current_instance().update_info('epoch', 0)


def load(path, options):
    return load_config(str(ROOT / path), options)


def joints(n=4, num_clips=2, persons=2, frames=12, num_joints=25, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, num_clips, persons, frames, num_joints, 3, generator=g)


def samples(n, labels=False):
    out = []
    for i in range(n):
        s = ActionDataSample(metainfo=dict(total_frames=40 + 10 * i))
        if labels:
            s.set_gt_label(i % 3)
        out.append(s)
    return out


def steps(cfg, inputs, data_samples, num=2, model=None, epoch=0):
    """Build (seed 0), init, and run ``num`` train steps; the loss dicts as floats."""
    if model is None:
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
    wrapper_cfg = cfg.optim_wrapper.copy()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type=wrapper_cfg.pop('constructor', 'DefaultOptimWrapperConstructor'),
        paramwise_cfg=wrapper_cfg.pop('paramwise_cfg', None), optim_wrapper_cfg=wrapper_cfg))
    wrapper = constructor(model)
    MessageHub.get_current_instance().update_info('epoch', epoch)
    torch.manual_seed(1)  # dropout
    logs = []
    for _ in range(num):
        log = model.train_step(dict(inputs=list(inputs), data_samples=data_samples), wrapper)
        logs.append({k: round(float(torch.as_tensor(v).detach()), 6) for k, v in log.items()})
    return model, logs


def check(name, logs):
    # float32 rounding differs between CPUs (vector units, thread count): the same keys,
    # values within float32 rounding of the recorded ones
    golden = GOLDEN[name]
    assert [sorted(log) for log in logs] == [sorted(log) for log in golden], f'{name}: {logs}'
    for log, expected in zip(logs, golden):
        assert log == {k: pytest.approx(v, rel=2e-5, abs=5e-6) for k, v in expected.items()}, \
            f'{name}: {logs}'


def test_cmd_bigru():
    check('cmd_bigru', steps(load(CMD_BIGRU, {**TINY_GRU, **QUEUE, **SGD}), joints(), samples(4))[1])


def test_cmd_stgcn():
    cfg = load(CMD_STGCN, {**stgcn('backbone'), 'neck.in_channels': 32,
                           'neck.hid_channels': 32, **QUEUE})
    check('cmd_stgcn', steps(cfg, joints(persons=1, num_joints=20), samples(4))[1])


def test_ikem_teacher_both_stages():
    cfg = load(TEACHER, TEACHER_TINY)
    model, first = steps(cfg, joints(), samples(4))
    _, second = steps(cfg, joints(seed=1), samples(4), model=model, epoch=150)
    check('ikem_teacher', first + second)


def test_ikem_student(tmp_path):
    teacher_cfg = load(TEACHER, TEACHER_TINY)
    torch.manual_seed(0)
    teacher = MODELS.build(teacher_cfg.model)
    teacher.init_weights()
    torch.save({'state_dict': teacher.state_dict()}, tmp_path / 'teacher.pth')
    cfg = load(STUDENT, {**STUDENT_TINY, 'model.teacher_checkpoint': str(tmp_path / 'teacher.pth')})
    check('ikem_student', steps(cfg, joints(), samples(4))[1])


def test_linear_probe(tmp_path):
    pre, _ = steps(load(CMD_BIGRU, {**TINY_GRU, **QUEUE, **SGD}), joints(), samples(4))
    torch.save({'state_dict': pre.state_dict()}, tmp_path / 'cmd.pth')
    cfg = load(LINEAR, {'backbone.hidden': 16, 'backbone.num_layers': 1,
                        'cls_head.in_channels': 32, 'num_classes': 3,
                        'pretrained': str(tmp_path / 'cmd.pth')})
    # joints in: the model computes the motion stream (before the refactor the pipeline did)
    check('linear_probe', steps(cfg, joints(num_clips=1), samples(4, labels=True))[1])


def test_checkpoints_from_before_the_refactor_still_load(tmp_path):
    """Checkpoints written before the projection moved from ``head`` to ``neck``
    (``encoder_q.<m>.head.*``, ``encoder_k.<m>.module.head.*``) load strictly."""
    cfg = load(CMD_BIGRU, {**TINY_GRU, **QUEUE})
    model, _ = steps(cfg, joints(), samples(4))
    old = {k.replace('.neck.', '.head.'): v for k, v in model.state_dict().items()}
    assert any('.head.mlp.' in k for k in old) and not any('.neck.' in k for k in old)
    torch.manual_seed(5)
    fresh = MODELS.build(cfg.model)
    fresh.load_state_dict(old, strict=True)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value), key
    # an IKEM student reads its teacher from such a checkpoint too
    teacher_cfg = load(TEACHER, TEACHER_TINY)
    torch.manual_seed(0)
    teacher = MODELS.build(teacher_cfg.model)
    legacy = {k.replace('.neck.', '.head.'): v for k, v in teacher.state_dict().items()}
    torch.save({'state_dict': legacy}, tmp_path / 'teacher.pth')
    student = MODELS.build(load(STUDENT, {**STUDENT_TINY, 'model.teacher_checkpoint':
                                          str(tmp_path / 'teacher.pth')}).model)
    for key, value in teacher.encoder_q.state_dict().items():
        assert torch.equal(student.teacher.state_dict()[key], value), key
