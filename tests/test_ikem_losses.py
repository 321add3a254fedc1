"""IKEM loss modules (docs/method_ikem.md) against numbers computed by hand."""
import math

import pytest
import torch
import torch.nn as nn

import cmd_mmaction  # noqa: F401
from cmd_mmaction.models.losses import MultiPositiveNCELoss, RelationalKDLoss
from cmd_mmaction.models.heads import IKEMModule
from mmaction.registry import MODELS


def _log_softmax(values, i):
    return values[i] - math.log(sum(math.exp(v) for v in values))


def test_multi_positive_nce_by_hand_with_context():
    # one sample, K = 3; the mining similarity's nearest slot is 1
    pos, neg, mining, tau = 0.5, [0.1, 0.4, -0.2], [0.3, 0.9, 0.2], 0.5
    ctx = [n * m for n, m in zip(neg, mining)]               # 0.03, 0.36, -0.04
    logits = [v / tau for v in [pos] + neg + ctx]
    # positives: the key (0), slot 1 among the negatives (2) and in the context (5)
    expected = -(_log_softmax(logits, 0) + _log_softmax(logits, 2) + _log_softmax(logits, 5)) / 3
    loss = MultiPositiveNCELoss(temperature=tau, topk=1, context=True)(
        torch.tensor([pos]), torch.tensor([neg]), torch.tensor([mining]))
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_multi_positive_nce_by_hand_without_context_top2_and_batch_mean():
    tau = 1.0
    pos = torch.tensor([0.2, -0.1])
    neg = torch.tensor([[0.3, 0.0, 0.5], [0.1, 0.2, 0.3]])
    mining = torch.tensor([[0.9, 0.8, 0.1], [0.0, 0.5, 0.7]])  # top-2: {0,1} and {1,2}
    s0 = [0.2, 0.3, 0.0, 0.5]
    s1 = [-0.1, 0.1, 0.2, 0.3]
    l0 = -(_log_softmax(s0, 0) + _log_softmax(s0, 1) + _log_softmax(s0, 2)) / 3
    l1 = -(_log_softmax(s1, 0) + _log_softmax(s1, 2) + _log_softmax(s1, 3)) / 3
    loss = MultiPositiveNCELoss(temperature=tau, topk=2, context=False)(pos, neg, mining)
    assert loss.item() == pytest.approx((l0 + l1) / 2, rel=1e-6)


def test_multi_positive_nce_gradient_reaches_the_mining_similarity_through_context():
    neg = torch.tensor([[0.1, 0.4, -0.2]], requires_grad=True)
    mining = torch.tensor([[0.3, 0.9, 0.2]], requires_grad=True)
    MultiPositiveNCELoss(0.07, 1, True)(torch.tensor([0.5]), neg, mining).backward()
    assert neg.grad.abs().sum() > 0 and mining.grad.abs().sum() > 0  # CrosSCLR: not detached
    mining.grad = None
    MultiPositiveNCELoss(0.07, 1, False)(torch.tensor([0.5]), neg, mining).backward()
    assert mining.grad is None or mining.grad.abs().sum() == 0  # the top-k mask has no gradient


def test_multi_positive_nce_rejects_bad_shapes_and_topk():
    loss = MultiPositiveNCELoss(topk=4)
    with pytest.raises(ValueError, match='topk'):
        loss(torch.zeros(2), torch.zeros(2, 3), torch.zeros(2, 3))
    with pytest.raises(ValueError, match='shape'):
        loss(torch.zeros(2), torch.zeros(2, 5), torch.zeros(2, 6))
    with pytest.raises(ValueError, match='temperature'):
        MultiPositiveNCELoss(temperature=0)


def test_relational_kd_by_hand_is_the_mean_over_teacher_modalities():
    tau = 1.0
    student = torch.tensor([[1.0, 0.0]])
    teacher = torch.tensor([[0.6, 0.8]])
    teacher_queue = torch.tensor([[0.0, 1.0], [1.0, 0.0]])    # columns (0,1), (1,0)
    mining = [torch.tensor([[0.2, 0.7]]), torch.tensor([[0.9, -0.3]])]
    pos, neg = 0.6, [0.0, 1.0]                               # u.t and u.Q_T

    def term(m):
        top = 0 if m[0] > m[1] else 1
        ctx = [n * v for n, v in zip(neg, m)]
        logits = [pos] + neg + ctx
        return -(_log_softmax(logits, 0) + _log_softmax(logits, 1 + top)
                 + _log_softmax(logits, 3 + top)) / 3

    expected = (term([0.2, 0.7]) + term([0.9, -0.3])) / 2
    loss = RelationalKDLoss(temperature=tau, topk=1, context=True)(
        student, teacher, teacher_queue, mining)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    assert MODELS.build(dict(type='RelationalKDLoss')).temperature == 0.07


def _identity_module(modalities, width):
    module = IKEMModule(modalities, in_channels=width, hid_channels=width,
                        out_channels=width, temperature=1.0)
    for mlp in module.predictors.values():
        for layer in (mlp.mlp[0], mlp.mlp[2]):
            nn.init.eye_(layer.weight)
            nn.init.zeros_(layer.bias)
    return module


def test_ikem_module_by_hand():
    # two modalities with 1-d keys, so the concatenated key is 2-d
    module = _identity_module(('joint', 'motion'), 2)
    feats = {'joint': torch.tensor([[3.0, 4.0]]), 'motion': torch.tensor([[4.0, 3.0]])}
    keys = {'joint': torch.tensor([[1.0]]), 'motion': torch.tensor([[-1.0]])}
    queues = {'joint': torch.tensor([[1.0, -1.0]]), 'motion': torch.tensor([[1.0, 1.0]])}
    r = 1 / math.sqrt(2)
    k_cat, q_cols = (r, -r), [(r, r), (-r, r)]

    def expected(z):
        dots = [z[0] * k_cat[0] + z[1] * k_cat[1]] + [z[0] * c[0] + z[1] * c[1] for c in q_cols]
        return -_log_softmax(dots, 0)

    losses = module(feats, keys, queues)
    assert set(losses) == {'loss_ikem_joint', 'loss_ikem_motion'}
    assert losses['loss_ikem_joint'].item() == pytest.approx(expected((0.6, 0.8)), rel=1e-6)
    assert losses['loss_ikem_motion'].item() == pytest.approx(expected((0.8, 0.6)), rel=1e-6)


def test_ikem_module_default_widths_and_errors():
    module = IKEMModule(('joint', 'motion', 'bone', 'accel', 'axis', 'omega'))
    assert module.predictors['joint'].mlp[0].in_features == 256
    assert module.predictors['joint'].mlp[2].out_features == 768  # 6 x 128 (docs/method_ikem.md)
    feats = {m: torch.randn(4, 256) for m in module.modalities}
    keys = {m: torch.nn.functional.normalize(torch.randn(4, 128), dim=1) for m in module.modalities}
    queues = {m: torch.nn.functional.normalize(torch.randn(128, 16), dim=0)
              for m in module.modalities}
    losses = module(feats, keys, queues)
    assert all(torch.isfinite(v) for v in losses.values())
    del keys['omega']
    with pytest.raises(ValueError, match='omega'):
        module(feats, keys, queues)
