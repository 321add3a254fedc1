"""InfoNCE and CMD losses against hand computations, top-k and degenerate cases."""
import math

import pytest
import torch
import torch.nn.functional as F

import cmd_mmaction  # noqa: F401
from cmd_mmaction.models.losses import CMDLoss, InfoNCELoss
from mmaction.registry import MODELS


def _softmax(row, temp):
    exps = [math.exp(v / temp) for v in row]
    return [e / sum(exps) for e in exps]


def test_infonce_by_hand():
    q = torch.tensor([[1.0, 0.0], [0.6, 0.8]])
    k = torch.tensor([[0.8, 0.6], [1.0, 0.0]])
    queue = torch.tensor([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # (D=2, K=3)
    temp = 0.5
    loss, acc = InfoNCELoss(temp)(q, k, queue)

    expected, correct = 0.0, 0
    for n in range(2):
        pos = sum(q[n, d].item() * k[n, d].item() for d in range(2))
        negs = [sum(q[n, d].item() * queue[d, j].item() for d in range(2)) for j in range(3)]
        logits = [pos] + negs
        expected += -math.log(_softmax(logits, temp)[0]) / 2
        correct += int(max(logits) == pos and logits.count(pos) == 1)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # sample 0: pos 0.8 < 1.0 (slot 0) -> wrong; sample 1: pos 0.6 < 0.8 (slot 1) -> wrong
    assert correct == 0 and acc.item() == 0.0
    k2 = torch.tensor([[0.6, 0.8], [0.6, 0.8]])  # sample 0: pos 0.6 < 1.0; sample 1: 1.0 wins
    _, acc = InfoNCELoss(temp)(q, k2, queue)
    assert acc.item() == 0.5
    assert not acc.requires_grad


def _kl_by_hand(teacher, student, topk, t_temp, s_temp):
    total = 0.0
    for t_row, s_row in zip(teacher.tolist(), student.tolist()):
        idx = sorted(range(len(t_row)), key=lambda j: -t_row[j])[:topk]
        p = _softmax([t_row[j] for j in idx], t_temp)
        r = _softmax([s_row[j] for j in idx], s_temp)
        total += sum(pi * (math.log(pi) - math.log(ri)) for pi, ri in zip(p, r))
    return total / teacher.shape[0]


def test_cmd_loss_by_hand():
    teacher = torch.tensor([[0.9, -0.2, 0.5, 0.1, 0.7], [0.0, 0.3, -0.6, 0.8, 0.2]])
    student = torch.tensor([[0.1, 0.4, -0.3, 0.6, 0.2], [0.5, -0.1, 0.3, 0.0, 0.9]])
    loss = CMDLoss(topk=3, teacher_temp=0.05, student_temp=0.1)(teacher, student)
    expected = _kl_by_hand(teacher, student, 3, 0.05, 0.1)
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_student_is_gathered_at_the_teachers_topk_slots():
    torch.manual_seed(0)
    teacher = torch.randn(4, 10)
    student = torch.randn(4, 10)
    loss_fn = CMDLoss(topk=4, teacher_temp=0.05, student_temp=0.1)
    base = loss_fn(teacher, student)
    _, top = teacher.topk(4, dim=1)
    outside = torch.ones(4, 10, dtype=torch.bool).scatter(1, top, False)
    moved = student + 5.0 * torch.randn(4, 10) * outside  # only slots the teacher dropped
    assert loss_fn(teacher, moved).item() == pytest.approx(base.item(), rel=1e-6)
    inside = student + 1.0 * (~outside) * torch.randn(4, 10)
    assert abs(loss_fn(teacher, inside).item() - base.item()) > 1e-3
    # same student values at the same slots, whatever the teacher ranks below top-k
    assert loss_fn(teacher.masked_fill(outside, -9.0), student).item() == pytest.approx(
        base.item(), rel=1e-6)


def test_gradient_reaches_the_student_only():
    teacher = torch.randn(3, 8, requires_grad=True)
    student = torch.randn(3, 8, requires_grad=True)
    CMDLoss(topk=5)(teacher, student).backward()
    assert teacher.grad is None
    assert student.grad is not None and student.grad.abs().sum() > 0
    # slots outside the teacher's top-5 get no gradient
    _, top = teacher.detach().topk(5, dim=1)
    outside = torch.ones(3, 8, dtype=torch.bool).scatter(1, top, False)
    assert torch.all(student.grad[outside] == 0)


def test_degenerate_topk_one_is_zero():
    torch.manual_seed(1)
    loss = CMDLoss(topk=1, teacher_temp=1e-4, student_temp=0.1)(torch.randn(5, 9),
                                                                torch.randn(5, 9))
    assert loss.item() == 0.0


@pytest.mark.parametrize('topk', [16, 6])
def test_degenerate_cold_teacher_is_cross_modal_positive_mining(topk):
    """teacher_temp -> 0: KL = CE of the student over the teacher's top-k slots,
    target = the teacher's nearest neighbour (k = K: over the whole queue)."""
    torch.manual_seed(2)
    q_student = F.normalize(torch.randn(5, 8), dim=1)
    k_teacher = F.normalize(torch.randn(5, 8), dim=1)
    queue_t = F.normalize(torch.randn(8, 16), dim=0)
    queue_s = F.normalize(torch.randn(8, 16), dim=0)
    teacher_sim, student_sim = k_teacher @ queue_t, q_student @ queue_s
    loss = CMDLoss(topk=topk, teacher_temp=1e-6, student_temp=0.1)(teacher_sim, student_sim)

    # direct mining: the teacher's nearest queue slot is the student's positive,
    # the other candidate slots its negatives
    nearest = teacher_sim.argmax(dim=1)
    candidates = teacher_sim.topk(topk, dim=1).indices
    mined = []
    for n in range(5):
        logits = student_sim[n, candidates[n]] / 0.1
        target = (candidates[n] == nearest[n]).nonzero().item()
        mined.append(-(logits[target] - torch.logsumexp(logits, dim=0)))
    direct = torch.stack(mined).mean()
    assert loss.item() == pytest.approx(direct.item(), rel=1e-5)
    if topk == 16:
        ce = F.cross_entropy(student_sim / 0.1, nearest)
        assert loss.item() == pytest.approx(ce.item(), rel=1e-5)


def test_validation_and_registry():
    assert isinstance(MODELS.build(dict(type='CMDLoss', topk=2)), CMDLoss)
    assert isinstance(MODELS.build(dict(type='InfoNCELoss', temperature=0.2)), InfoNCELoss)
    with pytest.raises(ValueError, match='must not exceed the queue length'):
        CMDLoss(topk=9)(torch.randn(2, 8), torch.randn(2, 8))
    with pytest.raises(ValueError, match='temperatures must be > 0'):
        CMDLoss(teacher_temp=0)
    with pytest.raises(ValueError, match='temperature must be > 0'):
        InfoNCELoss(-1.0)
