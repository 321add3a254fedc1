"""IKEM's (CrosSCLR's) weight initialisation as an mmengine ``init_cfg``."""
import torch.nn as nn
from mmengine.model.weight_init import update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS

_WEIGHTED = (nn.Conv1d, nn.Conv2d, nn.Linear)


@WEIGHT_INITIALIZERS.register_module(name='IKEMInit')
class IKEMInit:
    """Every Conv1d/Conv2d/Linear weight ``~ N(0, std)`` with bias 0, every
    BatchNorm weight ``~ N(1, std)`` with bias 0, in the whole module tree.

    This is the official IKEM code's ``weights_init`` (applied with
    ``model.apply``), whereas mmaction2's ST-GCN blocks default to Kaiming
    convolutions and constant BN. mmengine runs a module's own ``init_cfg``
    *before* its children initialise themselves, and their defaults would
    overwrite these draws, so the children are marked initialised. Use it at
    the level whose whole subtree should be drawn this way::

        model = dict(type='IKEMTeacher', ..., init_cfg=dict(type='IKEMInit'))

    Args:
        std (float): Defaults to 0.02.
    """

    def __init__(self, std: float = 0.02) -> None:
        self.std = std

    def __call__(self, module: nn.Module) -> None:
        for sub in module.modules():
            if isinstance(sub, _WEIGHTED):
                nn.init.normal_(sub.weight, 0.0, self.std)
                if sub.bias is not None:
                    nn.init.zeros_(sub.bias)
            elif isinstance(sub, nn.modules.batchnorm._BatchNorm) and sub.affine:
                nn.init.normal_(sub.weight, 1.0, self.std)
                nn.init.zeros_(sub.bias)
            if sub is not module and hasattr(sub, '_is_init'):
                sub._is_init = True
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=f'IKEMInit: Conv/Linear N(0, {self.std}), '
                             f'BatchNorm N(1, {self.std}), biases 0')
