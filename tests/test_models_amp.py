"""--amp for every self-supervised model: one bf16 training step on the CPU (what
``tools/train.py --amp`` uses without CUDA) gives finite losses and moves the
fp32 weights; the BiGRU really runs in bf16 (its kernels are not on autocast's list)."""
import torch
from mmengine.logging import MessageHub

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import CPUBF16OptimWrapper
from cmd_mmaction.models.utils import TrainableOptimWrapperConstructor
from mmaction.registry import MODELS
from test_ikem_models import TINY_ENCODER, batch, student_cfg, teacher_cfg

BIGRU_CMD = dict(type='CMD', backbone=dict(type='BiGRU', hidden=16, num_layers=2),
                 neck=dict(type='ProjectionNeck', in_channels=32, out_channels=8),
                 queue_len=16, distill=dict(type='CMDLoss', topk=8))
STGCN_CMD = dict(type='CMD', **TINY_ENCODER, queue_len=16, distill=dict(type='CMDLoss', topk=8),
                 neck=dict(type='ProjectionNeck', in_channels=16, out_channels=8))


def bf16_step(model):
    """One train_step under the CPU bf16 wrapper; returns the logged losses."""
    wrapper = TrainableOptimWrapperConstructor(
        dict(type='CPUBF16OptimWrapper', optimizer=dict(type='SGD', lr=0.1)))(model)
    assert isinstance(wrapper, CPUBF16OptimWrapper)
    before = [p.detach().clone() for p in model.parameters() if p.requires_grad]
    x, samples = batch()
    log = model.train_step(dict(inputs=list(x), data_samples=samples), wrapper)
    assert all(torch.isfinite(v).all() for v in log.values()), log
    after = [p for p in model.parameters() if p.requires_grad]
    assert all(p.dtype == torch.float32 for p in after)
    assert any(not torch.equal(a, b) for a, b in zip(before, after))
    return log


def test_cmd_bigru_and_stgcn_bf16_step():
    MessageHub.get_current_instance().update_info('epoch', 0)
    for cfg in (BIGRU_CMD, STGCN_CMD):
        torch.manual_seed(0)
        model = MODELS.build(cfg)
        model.init_weights()
        log = bf16_step(model)
        assert {'loss_cmd', 'loss_moco_joint'} <= set(log)


def test_bigru_features_are_bf16_inside_the_step():
    torch.manual_seed(0)
    model = MODELS.build(BIGRU_CMD)
    x, _ = batch()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert model.extract_feat(x, 'motion').dtype == torch.bfloat16


def test_ikem_teacher_and_student_bf16_step(tmp_path):
    MessageHub.get_current_instance().update_info('epoch', 1)  # after cross_epoch: all terms
    try:
        torch.manual_seed(0)
        cfg = teacher_cfg()
        teacher = MODELS.build(cfg)
        teacher.init_weights()
        log = bf16_step(teacher)
        assert any(k.startswith('loss_ikem_') for k in log)
        assert any(k.startswith('loss_cross_') for k in log)
        path = tmp_path / 'teacher.pth'
        torch.save({'state_dict': teacher.state_dict()}, path)
        student = MODELS.build(student_cfg(path, cfg))
        student.init_weights()
        log = bf16_step(student)
        assert any(k.startswith('loss_kd_') for k in log)
    finally:
        MessageHub.get_current_instance().update_info('epoch', 0)
