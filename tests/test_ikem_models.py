"""IKEMTeacher and IKEMStudent: losses, stages, momentum, frozen teacher (docs/method_ikem.md)."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

import cmd_mmaction  # noqa: F401
from cmd_mmaction.models.losses import MultiPositiveNCELoss, RelationalKDLoss
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

TINY_ENCODER = dict(
    backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                  in_channels=3, base_channels=8, num_stages=2, inflate_stages=[2],
                  down_stages=[2], tcn_dropout=0.0),
    pool=dict(type='SkeletonGlobalPool'),
)


def teacher_cfg(modalities=('joint', 'motion', 'bone', 'accel', 'axis', 'omega'), **kwargs):
    cfg = dict(type='IKEMTeacher', **copy.deepcopy(TINY_ENCODER),
               neck=dict(type='ProjectionNeck', in_channels=16, hid_channels=16, out_channels=8),
               modalities=modalities, queue_len=16, cross_epoch=1,
               ikem=dict(type='IKEMModule', in_channels=16))
    cfg.update(kwargs)
    return cfg


def batch(n=4, seed=0, frames=(40, 50, 60, 100)):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, 2, 12, 25, 3, generator=g)
    samples = [ActionDataSample(metainfo=dict(total_frames=frames[i % len(frames)]))
               for i in range(n)]
    return x, samples


def set_epoch(epoch):
    MessageHub.get_current_instance().update_info('epoch', epoch)


@pytest.fixture(autouse=True)
def _epoch_zero():
    set_epoch(0)
    yield
    set_epoch(0)


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def _changed(before, module):
    return [not torch.equal(a, b) for a, b in zip(before, module.parameters())]


def test_teacher_stage_one_is_moco_and_updates_every_key_encoder():
    torch.manual_seed(0)
    model = MODELS.build(teacher_cfg())
    model.init_weights()
    x, samples = batch()
    model.loss(x, samples)           # first update copies q -> k
    before = {m: _params(model.encoder_k[m]) for m in model.modalities}
    losses = model.loss(x, samples)
    assert set(losses) == ({f'loss_moco_{m}' for m in model.modalities}
                           | {f'acc_moco_{m}' for m in model.modalities})
    # all six queues moved in lock-step
    assert all(int(model.queues[m].ptr) == 8 for m in model.modalities)
    for m in model.modalities:
        assert any(_changed(before[m], model.encoder_k[m])), m


@pytest.mark.parametrize('official', [False, True])
def test_teacher_stage_two_losses_and_momentum_switch(official):
    torch.manual_seed(0)
    model = MODELS.build(teacher_cfg(official_momentum_bug=official))
    x, samples = batch()
    model.loss(x, samples)
    set_epoch(1)                      # = cross_epoch: stage 2
    before = {m: _params(model.encoder_k[m]) for m in model.modalities}
    losses = model.loss(x, samples)
    assert set(losses) == ({f'loss_cross_{m}' for m in model.modalities}
                           | {f'loss_ikem_{m}' for m in model.modalities})
    sum(losses.values()).backward()
    assert model.ikem.predictors['omega'].mlp[0].weight.grad.abs().sum() > 0
    for m in model.modalities:
        frozen = official and m in ('joint', 'bone', 'axis')
        assert any(_changed(before[m], model.encoder_k[m])) != frozen, m


def test_teacher_cross_loss_is_the_mean_over_mining_modalities_by_hand():
    torch.manual_seed(0)
    mods = ('joint', 'motion', 'bone')
    model = MODELS.build(teacher_cfg(mods, ikem=None, momentum=0.5))
    x, samples = batch()
    model.loss(x, samples)
    set_epoch(1)
    queue = {m: model.queues[m].queue.clone() for m in mods}
    losses = model.loss(x, samples)
    assert set(losses) == {f'loss_cross_{m}' for m in mods}
    s = 50 / torch.tensor([40., 50., 60., 100.])
    views = {m: model.modality(m, x, s) for m in mods}
    with torch.no_grad():
        q = {m: F.normalize(model.encoder_q[m](views[m][:, 0]), dim=1) for m in mods}
        k = {m: F.normalize(model.encoder_k[m](views[m][:, 1]), dim=1) for m in mods}
    nce = MultiPositiveNCELoss(0.07, 1, True)
    for a in mods:
        pos, neg = (q[a] * k[a]).sum(1), q[a] @ queue[a]
        expected = sum(nce(pos, neg, q[b] @ queue[b]) for b in mods if b != a) / 2
        assert torch.allclose(losses[f'loss_cross_{a}'], expected, atol=1e-5), a


def test_teacher_true_timeline_needs_total_frames_and_predict_sets_features():
    model = MODELS.build(teacher_cfg(('joint', 'motion')))
    x, _ = batch()
    with pytest.raises(ValueError, match='total_frames'):
        model.loss(x, [ActionDataSample() for _ in range(4)])
    model.eval()
    _, samples = batch()
    out = model.predict(x, samples)
    assert out[0].feat_joint.shape == (16, ) and out[0].feat_motion.shape == (16, )
    # motion features depend on the per-sample time scale
    other = [ActionDataSample(metainfo=dict(total_frames=200)) for _ in range(4)]
    assert not torch.allclose(model.extract_feat(x, 'motion', samples),
                              model.extract_feat(x, 'motion', other))
    plain = MODELS.build(teacher_cfg(('joint', 'motion'), time_scale_frames=None))
    assert set(plain.loss(x)) >= {'loss_moco_joint'}
    with pytest.raises(ValueError, match='at least two'):
        MODELS.build(teacher_cfg(('joint', )))


# ---------------------------------------------------------------------- student
def student_cfg(ckpt, teacher, **kwargs):
    cfg = dict(type='IKEMStudent', teacher=teacher, teacher_checkpoint=str(ckpt),
               **copy.deepcopy(TINY_ENCODER),
               neck=dict(type='ProjectionNeck', in_channels=16, hid_channels=24,
                         out_channels=8 * len(teacher['modalities'])),
               modalities=('joint', 'motion', 'bone'), queue_len=16)
    cfg.update(kwargs)
    return cfg


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory):
    torch.manual_seed(1)
    cfg = teacher_cfg()
    teacher = MODELS.build(cfg)
    teacher.init_weights()
    path = tmp_path_factory.mktemp('teacher') / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path, cfg, teacher


def test_student_missing_or_mismatched_checkpoint_fails_at_build(teacher_ckpt, tmp_path):
    path, cfg, _ = teacher_ckpt
    with pytest.raises(FileNotFoundError, match='teacher_checkpoint'):
        MODELS.build(student_cfg(tmp_path / 'nope.pth', cfg))
    wider = copy.deepcopy(cfg)
    wider['neck']['hid_channels'] = 32
    with pytest.raises(ValueError, match='does not match'):
        MODELS.build(student_cfg(path, wider))


def test_frozen_teacher_gets_no_gradient_and_never_changes(teacher_ckpt):
    path, cfg, teacher = teacher_ckpt
    torch.manual_seed(0)
    model = MODELS.build(student_cfg(path, cfg))
    model.init_weights()            # the runner calls this: must not touch the teacher
    reference = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    for k, v in teacher.encoder_q.state_dict().items():
        assert torch.equal(reference[k], v), k
    assert not any(p.requires_grad for p in model.teacher.parameters())
    model.train()
    assert model.training and not model.teacher.training
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert sum(p.numel() for p in trainable) == sum(
        p.numel() for p in model.encoder_student.parameters())
    wrapper = OptimWrapper(torch.optim.SGD(trainable, lr=0.5, momentum=0.9))
    students = _params(model.encoder_student)
    x, samples = batch()
    for step in range(3):
        log = model.train_step(dict(inputs=list(x), data_samples=samples), wrapper)
        assert {'loss_kd_joint', 'loss_kd_motion', 'loss_kd_bone'} <= set(log)
    assert all(p.grad is None for p in model.teacher.parameters())
    for k, v in model.teacher.state_dict().items():  # weights and BN statistics
        assert torch.equal(reference[k], v), k
    assert any(_changed(students, model.encoder_student))
    assert int(model.teacher_queue.ptr) == 12 and int(model.teacher_queues['omega'].ptr) == 12


@pytest.mark.parametrize('omega_bug', [False, True])
def test_student_loss_by_composition(teacher_ckpt, omega_bug):
    path, cfg, _ = teacher_ckpt
    torch.manual_seed(0)
    model = MODELS.build(student_cfg(path, cfg, official_omega_queue_bug=omega_bug))
    x, samples = batch()
    model.loss(x, samples)          # fill part of the queues with real entries
    queues = {m: model.teacher_queues[m].queue.clone() for m in model.teacher_modalities}
    teacher_queue = model.teacher_queue.queue.clone()
    losses = model.loss(x, samples)
    s = 50 / torch.tensor([40., 50., 60., 100.])
    with torch.no_grad():
        q, t = model.teacher_embeddings(x[:, 0], s)
        u = F.normalize(model.encoder_student['bone'](model.modality('bone', x[:, 1], s)), dim=1)
    mining = {m: ('bone' if omega_bug and m == 'omega' else m) for m in q}
    sims = [q[m] @ queues[mining[m]] for m in model.teacher_modalities]
    expected = RelationalKDLoss(0.07, 1, True)(u, t, teacher_queue, sims)
    assert torch.allclose(losses['loss_kd_bone'], expected, atol=1e-5)
    assert torch.allclose(t.norm(dim=1), torch.ones(4))
    model.eval()
    out = model.predict(x, samples)
    assert out[0].feat_bone.shape == (16, ) and not hasattr(out[0], 'feat_accel')


def test_cmd_extra_loss_hook_adds_ikem_losses_and_leaves_cmd_losses_unchanged():
    """The (lead-owned) CMD model calls extra loss modules on (feats, keys, queues)."""
    base = dict(type='CMD', **copy.deepcopy(TINY_ENCODER),
                neck=dict(type='ProjectionNeck', in_channels=16, hid_channels=16, out_channels=8),
                modalities=('joint', 'motion'), queue_len=16, distill=dict(type='CMDLoss', topk=4))
    x, samples = batch()
    logs = []
    for extra in (None, [dict(type='IKEMModule', modalities=('joint', 'motion'), in_channels=16,
                              feat_dim=8)]):
        torch.manual_seed(0)
        model = MODELS.build(dict(base, extra_losses=extra))
        logs.append(model.loss(x, samples))
    plain, with_ikem = logs
    assert set(with_ikem) == set(plain) | {'loss_ikem_joint', 'loss_ikem_motion'}
    for key, value in plain.items():
        assert torch.allclose(value, with_ikem[key]), key
    set_epoch(0)
    late = MODELS.build(dict(base, cmd_start_epoch=5, extra_losses=extra))
    assert 'loss_ikem_joint' not in late.loss(x, samples)   # gated with loss_cmd


@pytest.mark.parametrize('cross_epoch, last_moco, first_cross', [(150, 149, 150), (0, None, 0)])
def test_teacher_phase_boundary_is_the_official_one(cross_epoch, last_moco, first_cross):
    """The official loop passes 1-based epochs and tests ``epoch <= cross_epoch``: with
    150 the 0-based epochs 0..149 are MoCo only and 150 is the first cross epoch; with 0
    there is no MoCo-only epoch at all."""
    model = MODELS.build(teacher_cfg(('joint', 'motion'), ikem=None, cross_epoch=cross_epoch))
    x, samples = batch()
    if last_moco is not None:
        set_epoch(last_moco)
        assert 'loss_moco_joint' in model.loss(x, samples)
    set_epoch(first_cross)
    assert set(model.loss(x, samples)) == {'loss_cross_joint', 'loss_cross_motion'}
    with pytest.raises(ValueError, match='cross_epoch must be an int >= 0'):
        MODELS.build(teacher_cfg(cross_epoch=-1))


def test_ikem_init_is_the_official_weights_init_over_the_whole_model():
    torch.manual_seed(0)
    model = MODELS.build(teacher_cfg(('joint', 'motion'), init_cfg=dict(type='IKEMInit')))
    model.init_weights()
    convs = [m for m in model.encoder_q.modules() if isinstance(m, torch.nn.Conv2d)]
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    bns = [m for m in model.encoder_q.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    weights = torch.cat([m.weight.flatten() for m in convs + linears])
    assert abs(weights.std().item() - 0.02) < 0.002 and abs(weights.mean().item()) < 0.002
    assert all(torch.all(m.bias == 0) for m in convs + linears if m.bias is not None)
    bn_w = torch.cat([m.weight for m in bns])
    assert abs(bn_w.mean().item() - 1) < 0.01 and 0.01 < bn_w.std().item() < 0.03
    # mmaction2's own defaults (Kaiming convs, BN weight 1) did not run over it
    assert not torch.all(bn_w == 1)


@pytest.mark.parametrize('official', [False, True])
def test_official_key_init_starts_keys_apart_from_queries(official):
    torch.manual_seed(0)
    model = MODELS.build(teacher_cfg(('joint', 'motion'), ikem=None, official_key_init=official,
                                     init_cfg=dict(type='IKEMInit')))
    model.init_weights()
    x, samples = batch()
    model.loss(x, samples)  # the first momentum update
    q = torch.cat([p.flatten() for p in model.encoder_q['joint'].parameters()])
    k = torch.cat([p.flatten() for p in model.encoder_k['joint'].parameters()])
    assert torch.equal(q, k) != official
