"""Strict loading of one pretrained encoder out of a CMD/IKEM checkpoint."""
from typing import Dict, Optional

import torch
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from mmengine.runner.checkpoint import _load_checkpoint


def select_prefix(state_dict: Dict[str, torch.Tensor], prefix: str) -> Dict[str, torch.Tensor]:
    """Entries of ``state_dict`` under ``prefix`` with the prefix removed."""
    if prefix and not prefix.endswith('.'):
        prefix += '.'
    return {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}


def encoder_prefixes(state_dict: Dict[str, torch.Tensor]) -> list:
    """The ``encoder_q.<modality>.`` prefixes of a CMD checkpoint (for messages)."""
    return sorted({'.'.join(k.split('.')[:2]) + '.' for k in state_dict
                   if k.startswith('encoder_q.')})


@WEIGHT_INITIALIZERS.register_module(name='PretrainedEncoder')
class PretrainedEncoderInit:
    """``init_cfg`` that loads ``checkpoint[prefix*]`` into a module, strictly.

    mmengine's ``Pretrained`` only *warns* when keys are missing, so a config
    pointing a ST-GCN at a BiGRU checkpoint would silently evaluate a random
    frozen encoder. This initializer logs what it loaded and raises when

    - no key starts with ``prefix`` (listing the checkpoint's encoders),
    - a parameter or buffer of the module is missing from the checkpoint
      (``num_batches_tracked`` excepted), or shapes differ.

    Checkpoint keys under ``prefix`` that the module lacks are logged as a
    warning (``strict=True`` turns them into an error too).

    Example::

        backbone=dict(type='BiGRU', init_cfg=dict(
            type='PretrainedEncoder', checkpoint='work_dirs/cmd/epoch_451.pth',
            prefix='encoder_q.joint.backbone.'))

    Args:
        checkpoint (str): file (mmengine checkpoint or plain state dict).
        prefix (str): key prefix of the module in the checkpoint, e.g.
            ``'encoder_q.joint.backbone.'``. ``''`` = whole checkpoint.
        strict (bool): also raise on unexpected keys. Defaults to False.
        map_location (str): Defaults to ``'cpu'``.
    """

    def __init__(self, checkpoint: str, prefix: str = '', strict: bool = False,
                 map_location: Optional[str] = 'cpu') -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.strict = strict
        self.map_location = map_location

    def __call__(self, module: torch.nn.Module) -> None:
        load_encoder(module, self.checkpoint, self.prefix, self.strict, self.map_location)
        # mmengine applies non-'Pretrained' init_cfgs *before* initialising the
        # children, whose own init_cfgs (e.g. STGCN's conv/BN inits) would then
        # overwrite the loaded weights: mark them initialised.
        for sub in module.modules():
            if sub is not module and hasattr(sub, '_is_init'):
                sub._is_init = True
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=f'PretrainedEncoder: {self.prefix}* of '
                             f'{self.checkpoint}')


def load_encoder(module: torch.nn.Module, checkpoint: str, prefix: str = '',
                 strict: bool = False, map_location: Optional[str] = 'cpu') -> None:
    """Load ``checkpoint``'s entries under ``prefix`` into ``module`` (see
    :class:`PretrainedEncoderInit` for the checks)."""
    ckpt = _load_checkpoint(checkpoint, map_location=map_location)
    full = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(full, dict):
        raise ValueError(f'{checkpoint}: not a checkpoint (no state dict inside)')
    state = select_prefix(full, prefix)
    if not state:
        hint = encoder_prefixes(full) or sorted({k.split('.')[0] + '.' for k in full})
        raise ValueError(f'{checkpoint}: no key starts with {prefix!r}; its top-level '
                         f'prefixes are {hint}')
    own = module.state_dict()
    missing = [k for k in own if k not in state and not k.endswith('num_batches_tracked')]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}'
              for k, v in own.items() if k in state and state[k].shape != v.shape]
    problems = []
    if missing:
        problems.append(f'missing from the checkpoint: {missing}')
    if shapes:
        problems.append(f'shape mismatch: {shapes}')
    if unexpected and strict:
        problems.append(f'unexpected in the checkpoint: {unexpected}')
    if problems:
        raise ValueError(f'{checkpoint} (prefix {prefix!r}) does not fit '
                         f'{type(module).__name__}: ' + '; '.join(problems))
    if unexpected:
        print_log(f'PretrainedEncoder: ignored {len(unexpected)} checkpoint keys under '
                  f'{prefix!r} that {type(module).__name__} lacks: {unexpected}',
                  logger='current', level=30)
    module.load_state_dict({k: v for k, v in state.items() if k in own}, strict=False)
    print_log(f'PretrainedEncoder: loaded {len(own)} tensors of {type(module).__name__} '
              f'from {checkpoint} ({prefix!r})', logger='current')
