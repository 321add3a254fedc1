"""Optimizer constructor that hands only trainable parameters to the optimizer."""
from typing import Iterator

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS


class _TrainableParameters:
    """The part of a model that ``DefaultOptimWrapperConstructor`` reads
    without ``paramwise_cfg``: ``parameters()``, here without frozen ones."""

    def __init__(self, model: nn.Module) -> None:
        self._model = model

    def parameters(self) -> Iterator[nn.Parameter]:
        return (p for p in self._model.parameters() if p.requires_grad)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class TrainableOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """``DefaultOptimWrapperConstructor`` that leaves out ``requires_grad=False``
    parameters (momentum key encoders, frozen backbones).

    mmengine's default constructor skips them only when a ``paramwise_cfg`` is
    given (with one warning per parameter); without one it passes
    ``model.parameters()`` whole, so SGD would hold the key encoders (it never
    updates them: they have no gradient). Use in a config::

        optim_wrapper = dict(constructor='TrainableOptimWrapperConstructor',
                             optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                            weight_decay=1e-4))
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        if self.paramwise_cfg:  # mmengine's add_params already skips frozen ones
            return super().__call__(model)
        if hasattr(model, 'module'):
            model = model.module
        return super().__call__(_TrainableParameters(model))
