"""CMD model: losses by hand, gradient routing, EMA keys, lock-step queues, configs."""
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

import cmd_mmaction  # noqa: F401
from cmd_mmaction.skeleton.modalities import compute_modality
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmaction.structures import ActionDataSample

ROOT = Path(__file__).resolve().parents[1]
N, M, T, V, C = 4, 2, 6, 25, 3
HID, DIM, K, TOPK = 8, 8, 32, 8
MODS = ('joint', 'motion', 'bone')


def _cmd(loss_weight=1.0, topk=TOPK, **kwargs):
    cfg = dict(type='CMD', backbone=dict(type='BiGRU', hidden=HID, num_layers=2),
               neck=dict(type='ProjectionNeck', in_channels=2 * HID, out_channels=DIM),
               distill=dict(type='CMDLoss', topk=topk, loss_weight=loss_weight), queue_len=K)
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()  # query encoders re-initialised: keys must follow at the 1st update
    return model.train()


def _inputs(seed=1, n=N):
    return torch.randn(n, 2, M, T, V, C, generator=torch.Generator().manual_seed(seed))


def _softmax(x):  # explicit, row-wise
    e = torch.exp(x - x.max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)


def _embed(encoder, name, view):
    with torch.no_grad():
        return F.normalize(encoder(compute_modality(name, view)), dim=1)


def test_loss_equals_hand_computation_and_queues_move_in_lock_step():
    model = _cmd(momentum=0.9, loss_weight=0.5)
    x = _inputs()
    queues = {m: model.queues[m].queue.clone() for m in MODS}
    losses = model.loss(x)
    assert set(losses) == {'loss_cmd'} | {f'{p}_moco_{m}' for p in ('loss', 'acc') for m in MODS}

    # recompute with the weights the step used (keys: after the momentum update;
    # train-mode BN uses batch statistics, so the recomputation is identical)
    q = {m: _embed(model.encoder_q[m], m, x[:, 0]) for m in MODS}
    k = {m: _embed(model.encoder_k[m], m, x[:, 1]) for m in MODS}
    for m in MODS:
        logits = torch.cat([(q[m] * k[m]).sum(1, keepdim=True), q[m] @ queues[m]], 1) / 0.07
        nll = -torch.log(_softmax(logits)[:, 0])
        torch.testing.assert_close(losses[f'loss_moco_{m}'], nll.mean(), rtol=1e-5, atol=1e-6)
        acc = (logits.argmax(1) == 0).float().mean()
        assert losses[f'acc_moco_{m}'].item() == acc.item()

    expected = 0.0
    for a in MODS:
        teacher = k[a] @ queues[a]
        order = teacher.argsort(dim=1, descending=True)[:, :TOPK]
        p = _softmax(teacher.gather(1, order) / 0.05)
        for b in MODS:
            if b != a:
                r = _softmax((q[b] @ queues[b]).gather(1, order) / 0.1)
                expected = expected + (p * (torch.log(p) - torch.log(r))).sum() / N
    torch.testing.assert_close(losses['loss_cmd'], 0.5 * expected, rtol=1e-4, atol=1e-5)

    for m in MODS:  # keys enqueued after the losses, all queues at the same pointer
        assert model.queues[m].ptr.item() == N
        torch.testing.assert_close(model.queues[m].queue[:, :N], k[m].t())
        torch.testing.assert_close(model.queues[m].queue[:, N:], queues[m][:, N:])
    for _ in range(8):  # 9 steps of 4 keys into 32 slots: wraps, pointers stay equal
        model.loss(_inputs(seed=2))
    assert [model.queues[m].ptr.item() for m in MODS] == [9 * N % K] * 3


def test_gradients_reach_query_encoders_only():
    model = _cmd()
    losses = model.loss(_inputs())
    sum(v for name, v in losses.items() if 'loss' in name).backward()
    for name, param in model.named_parameters():
        if name.startswith('encoder_k.'):
            assert not param.requires_grad and param.grad is None, name
        else:
            assert name.startswith('encoder_q.') and param.grad is not None, name
    for m in MODS:
        assert sum(p.grad.abs().sum() for p in model.encoder_q[m].parameters()) > 0


def test_cmd_term_trains_the_student_not_the_teacher():
    model = _cmd(pairs=[('joint', 'motion')])
    model.loss(_inputs())['loss_cmd'].backward()
    assert all(p.grad is None for p in model.encoder_q['joint'].parameters())
    assert all(p.grad is None for p in model.encoder_q['bone'].parameters())
    assert all(p.grad is None for p in model.encoder_k.parameters())
    grads = [p.grad for p in model.encoder_q['motion'].parameters()]
    assert all(g is not None for g in grads) and sum(g.abs().sum() for g in grads) > 0


def _batch(x):
    return dict(inputs=list(x), data_samples=[ActionDataSample() for _ in range(len(x))])


def test_key_encoders_change_only_by_momentum():
    model = _cmd(momentum=0.9)
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='TrainableOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=0.5, momentum=0.9))))(model)
    assert isinstance(wrapper, OptimWrapper)
    query_init = [p.clone() for p in model.encoder_q.parameters()]
    model.train_step(_batch(_inputs(1)), wrapper)
    keys = [p.clone() for p in model.encoder_k.parameters()]
    for key, query in zip(keys, query_init):  # first update: a copy of the query
        assert torch.equal(key, query)
    queries = [p.clone() for p in model.encoder_q.parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(queries, query_init))  # SGD moved them
    model.train_step(_batch(_inputs(2)), wrapper)
    for key_new, key_old, query in zip(model.encoder_k.parameters(), keys, queries):
        assert torch.equal(key_new, 0.9 * key_old + (1 - 0.9) * query)


def test_cmd_starts_at_the_configured_epoch():
    model = _cmd(cmd_start_epoch=2)
    hub = MessageHub.get_current_instance()
    saved = hub.runtime_info.get('epoch')
    try:
        hub.update_info('epoch', 1)
        off = model.loss(_inputs())['loss_cmd']
        assert off.item() == 0.0 and not off.requires_grad
        hub.update_info('epoch', 2)
        assert model.loss(_inputs())['loss_cmd'].item() > 0
    finally:
        if saved is None:
            hub.runtime_info.pop('epoch', None)
        else:
            hub.update_info('epoch', saved)
    assert 'loss_cmd' not in _cmd(pairs=[]).loss(_inputs())


def test_predict_stores_query_representations_of_clip_zero():
    model = _cmd().eval()
    x = _inputs()
    with torch.no_grad():
        samples = model.val_step(_batch(x))
        feats = model(x, mode='tensor')
        for m, feat in zip(MODS, feats):
            assert feat.shape == (N, 2 * HID)
            torch.testing.assert_close(model.extract_feat(x[:, 0], modality=m), feat)
            torch.testing.assert_close(model.extract_feat(x[:, :1], modality=m), feat)
            expected = model.encoder_q[m].backbone(compute_modality(m, x[:, 0]))
            torch.testing.assert_close(feat, expected)
            for i, sample in enumerate(samples):
                torch.testing.assert_close(getattr(sample, f'feat_{m}'), feat[i])
        assert model.predict(x[:, :1])[0].feat_joint.shape == (2 * HID, )
    with pytest.raises(ValueError, match='not one of'):
        model.extract_feat(x, modality='accel')


def test_shuffle_bn_gives_the_same_keys_on_one_process():
    model = _cmd(shuffle_bn=True)
    view = compute_modality('bone', _inputs()[:, 1])
    views = {m: torch.stack([view, view], dim=1) for m in MODS}  # clip 1 is the key view
    shuffled = model.encode_keys(views)['bone']
    model.shuffle_bn = False
    torch.testing.assert_close(shuffled, model.encode_keys(views)['bone'], rtol=1e-5, atol=1e-6)
    model.shuffle_bn = True
    assert torch.isfinite(model.loss(_inputs())['loss_cmd'])


@pytest.mark.parametrize('kwargs, message', [
    (dict(modalities=('joint', 'speed')), "unknown modality 'speed'"),
    (dict(modalities=('joint', 'j')), 'duplicates'),
    (dict(topk=K + 1), r'topk \(33\) must not exceed the queue length \(32\)'),
    (dict(pairs=[('joint', 'joint')]), 'must be \\(teacher, student\\)'),
    (dict(pairs=[('joint', 'accel')]), 'must be \\(teacher, student\\)'),
    (dict(layout='no-such-layout'), 'no-such-layout'),
])
def test_build_errors(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        _cmd(**kwargs)


def test_rejects_single_view_training_input():
    with pytest.raises(ValueError, match='num_clips>=2'):
        _cmd().loss(_inputs()[:, :1])


@pytest.mark.parametrize('name, overrides', [
    ('bigru', {'backbone.hidden': 8, 'neck.in_channels': 16, 'neck.hid_channels': 16}),
    ('stgcn-w16', dict()),
])
def test_config_builds_and_trains_one_step(name, overrides):
    config = load_config(str(ROOT / f'configs/cmd/cmd_{name}_1xb64-451e_ntu60-xsub-3d.py'),
                         {**overrides, 'model.queue_len': K, 'model.distill.topk': TOPK})
    cfg = config.model
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='TrainableOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                              weight_decay=1e-4))))(model)
    optimized = {id(p) for g in wrapper.optimizer.param_groups for p in g['params']}
    assert optimized == {id(p) for p in model.encoder_q.parameters()}
    before = [p.clone() for p in model.encoder_q.parameters()]
    log_vars = model.train_step(_batch(_inputs(n=4)), wrapper)
    assert {'loss', 'loss_cmd', 'loss_moco_joint', 'acc_moco_bone'} <= set(log_vars)
    assert torch.isfinite(log_vars['loss'])
    assert any(not torch.equal(a, b) for a, b in zip(before, model.encoder_q.parameters()))
    with torch.no_grad():
        feats = model.eval()(_inputs(n=2), mode='tensor')
    assert [f.shape for f in feats] == [(2, cfg.neck.in_channels)] * 3
