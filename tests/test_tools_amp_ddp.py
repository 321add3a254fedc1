"""CPU bf16 optimizer wrapper and the CPU-safe DDP wrapper."""
import torch
from mmengine.config import Config

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import CPUBF16OptimWrapper, use_amp


def test_bf16_wrapper_autocasts_forward_and_steps():
    model = torch.nn.Linear(4, 2)
    wrapper = CPUBF16OptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert model.weight.dtype == torch.float32  # master weights stay fp32
    assert not torch.equal(before, model.weight)


def test_use_amp_picks_the_device_wrapper():
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1))))
    use_amp(cfg)
    expected = 'AmpOptimWrapper' if torch.cuda.is_available() else 'CPUBF16OptimWrapper'
    assert cfg.optim_wrapper.type == expected


def test_cpu_ddp_wrapper_is_registered():
    from mmengine.registry import MODEL_WRAPPERS
    assert MODEL_WRAPPERS.get('CPUCompatibleDDP') is not None
