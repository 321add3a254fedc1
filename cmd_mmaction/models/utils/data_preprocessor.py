"""The data preprocessor every model of this package uses by default."""
from typing import Dict, Optional, Union

import torch.nn as nn

from mmaction.registry import MODELS

DEFAULT_DATA_PREPROCESSOR = dict(type='ActionDataPreprocessor')  # stacks the batch


def build_data_preprocessor(cfg: Optional[Union[Dict, nn.Module]]) -> nn.Module:
    """Build ``cfg`` (``ActionDataPreprocessor`` when None) from mmaction2's registry,
    so that a model also builds outside a Runner's default scope."""
    if cfg is None:
        cfg = DEFAULT_DATA_PREPROCESSOR
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg
