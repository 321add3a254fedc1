"""Mixed precision on CPU: bf16 autocast through mmengine's optimizer wrapper.

mmengine's ``AmpOptimWrapper`` asserts a CUDA/NPU/MLU/MUSA device, so ``--amp``
on a CPU-only machine fails. bf16 needs no loss scaling (same exponent range as
fp32), so the wrapper only has to open ``torch.autocast('cpu', bfloat16)``.
"""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBF16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` that runs forward passes under CPU bf16 autocast.

    Args:
        dtype (str): autocast dtype, only ``'bfloat16'`` is supported on CPU.
        **kwargs: passed to :class:`mmengine.optim.OptimWrapper`.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs):
        if dtype not in ('bfloat16', 'bf16'):
            raise ValueError(f'CPUBF16OptimWrapper supports bfloat16 only, got {dtype!r}')
        kwargs.pop('loss_scale', None)  # set by --amp for AmpOptimWrapper; meaningless for bf16
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
