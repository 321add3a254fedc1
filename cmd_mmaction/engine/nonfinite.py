"""Stop (or skip) training steps whose loss is NaN / Inf, before the update.

Where the check sits: the optimizer update happens *inside* ``train_step``
(``optim_wrapper.update_params(loss)``), before any ``after_train_iter`` hook
runs, so a hook alone could only report a NaN after it has reached the
weights. :class:`NonFiniteLossHook` therefore guards the runner's optimizer
wrapper(s) in ``before_train``: the guarded ``update_params`` checks the total
loss first and, if it is not finite (on any rank: the flag is all-reduced so
every DDP rank skips together), does no backward and no step. The hook then
acts in ``after_train_iter``, where the per-term ``log_vars`` are available:

* ``skip=False`` (default): raise :class:`FloatingPointError` naming the
  iteration, the epoch and the non-finite terms (weights are still the last
  finite ones).
* ``skip=True``: drop the step, restore the model buffers saved before the
  forward pass (BatchNorm statistics, MoCo queues and pointers, which the
  bad forward pass already overwrote), count it (``runner.message_hub`` info
  ``nonfinite_skipped``, and a warning), and raise once more than
  ``max_skipped`` steps were dropped.

Works with any ``OptimWrapper`` (fp32, CPU bf16, CUDA AMP) without changing
the config's wrapper type. With gradient accumulation a skipped step also
discards the gradients accumulated so far in its window.
"""
import math
from typing import Dict, Optional

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict

from mmaction.registry import HOOKS


def _is_finite(value) -> bool:
    if isinstance(value, torch.Tensor):
        return bool(torch.isfinite(value).all())
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return True


def _scalar(value):
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    return value


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Refuse optimizer updates from a NaN / Inf loss; raise or skip the step.

    Args:
        skip (bool): False: stop training with an error naming the iteration
            and the loss terms. True: skip the step (no update, buffers
            restored) and count it.
        max_skipped (int, optional): with ``skip``, raise when more steps than
            this were skipped in the run. None: no limit.
    """

    priority = 'HIGH'  # before LoggerHook / CheckpointHook see the iteration

    def __init__(self, skip: bool = False, max_skipped: Optional[int] = None) -> None:
        if max_skipped is not None and max_skipped < 0:
            raise ValueError(f'max_skipped must be >= 0 or None, got {max_skipped}')
        self.skip = skip
        self.max_skipped = max_skipped
        self.num_skipped = 0
        self._flagged = False
        self._buffers: Dict[str, torch.Tensor] = {}

    # ------------------------------------------------------------------ guard
    def _loss_is_finite(self, loss: torch.Tensor) -> bool:
        bad = torch.as_tensor(0. if _is_finite(loss) else 1., device=loss.device)
        if is_distributed():
            all_reduce(bad, op='max')  # every rank skips (DDP backward must match)
        return bad.item() == 0

    def _guard(self, wrapper) -> None:
        original = wrapper.update_params

        def update_params(loss, step_kwargs=None, zero_kwargs=None):
            if self._loss_is_finite(loss):
                return original(loss, step_kwargs=step_kwargs, zero_kwargs=zero_kwargs)
            self._flagged = True
            wrapper._inner_count += 1  # keep accumulation windows aligned with iterations
            wrapper.zero_grad()

        wrapper.update_params = update_params

    @staticmethod
    def _wrappers(runner):
        wrappers = runner.optim_wrapper
        return list(wrappers.values()) if isinstance(wrappers, OptimWrapperDict) else [wrappers]

    def before_train(self, runner) -> None:
        for wrapper in self._wrappers(runner):
            self._guard(wrapper)
        self.num_skipped = int(runner.message_hub.get_info('nonfinite_skipped', 0) or 0)

    def after_train(self, runner) -> None:
        # drop the guard (and the wrapper <-> closure reference cycle it forms)
        for wrapper in self._wrappers(runner):
            wrapper.__dict__.pop('update_params', None)

    # ------------------------------------------------------------------ hooks
    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._flagged = False
        if self.skip:  # the forward pass updates buffers in place before the loss is known
            self._buffers = {name: buf.detach().clone()
                             for name, buf in self._model(runner).named_buffers()}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        bad_terms = {}
        if isinstance(outputs, dict):
            bad_terms = {k: _scalar(v) for k, v in outputs.items() if not _is_finite(v)}
        if not self._flagged and not bad_terms:
            return
        where = f'iteration {runner.iter + 1} (epoch {runner.epoch + 1}, batch {batch_idx})'
        terms = ', '.join(f'{k}={v}' for k, v in bad_terms.items()) or 'unknown terms'
        if not self._flagged:  # the model bypassed update_params: the update happened
            raise FloatingPointError(
                f'non-finite loss at {where}: {terms}; the model does not call '
                'optim_wrapper.update_params, so the step could not be refused')
        self._flagged = False
        if not self.skip:
            raise FloatingPointError(
                f'non-finite loss at {where}: {terms}. The optimizer step was refused '
                '(weights are the last finite ones). Check the input data of this batch '
                'and the learning rate, or set NonFiniteLossHook(skip=True) to skip such '
                'steps (docs/troubleshooting.md).')
        model = self._model(runner)
        with torch.no_grad():
            for name, buf in model.named_buffers():
                if name in self._buffers:
                    buf.copy_(self._buffers[name])
        self.num_skipped += 1
        runner.message_hub.update_info('nonfinite_skipped', self.num_skipped)
        print_log(f'NonFiniteLossHook: skipped the step at {where}: {terms} '
                  f'({self.num_skipped} skipped so far)', logger='current', level=30)
        if self.max_skipped is not None and self.num_skipped > self.max_skipped:
            raise FloatingPointError(
                f'{self.num_skipped} steps with a non-finite loss were skipped (max_skipped='
                f'{self.max_skipped}); last at {where}: {terms}')
