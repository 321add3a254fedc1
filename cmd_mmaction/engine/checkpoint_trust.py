"""Safe checkpoint loading with an explicit trust boundary (torch >= 2.6).

torch now unpickles with ``weights_only=True`` by default, and mmengine
checkpoints carry a ``message_hub`` with ``HistoryBuffer`` objects and numpy
scalars whose unpickling needs ``builtins.getattr`` -- allow-listing that would
defeat the safety check. So every local checkpoint is first loaded safely;
only if that fails *and* the file is trusted is full unpickling used.

Trusted = the files a user names himself: the checkpoint argument of
``tools/test.py``, ``--resume PATH``, ``load_from`` and ``init_cfg``
checkpoints written in the config the user passes, and checkpoints inside the
work dir of an auto-resumed run (written by this code; only files whose real
path lies inside it). Anything else (e.g. a path that reached the loader some
other way) is refused with an explanation. Each trusted file that needs full
unpickling is named in one warning (the first time it is loaded), so the log
shows every file that was allowed to run code.
"""
import logging
import os
import os.path as osp
import pickle
from typing import Iterable, Optional

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

_trusted_files: set = set()
_trusted_dirs: set = set()
_fully_unpickled: set = set()  # real paths already named in the warning


def trust_checkpoint(path: Optional[str]) -> None:
    """Allow full unpickling of ``path`` (a file the user named)."""
    if path and not str(path).startswith(('http://', 'https://')):
        _trusted_files.add(osp.realpath(osp.expanduser(str(path))))


def trust_directory(path: Optional[str]) -> None:
    """Trust every checkpoint below ``path`` (a work dir this code wrote)."""
    if path:
        _trusted_dirs.add(osp.realpath(osp.expanduser(str(path))))


def is_trusted(path: str) -> bool:
    real = osp.realpath(osp.expanduser(path))
    if real in _trusted_files:
        return True
    return any(real.startswith(d + os.sep) for d in _trusted_dirs)


def _config_checkpoints(node) -> Iterable[str]:
    """Yield ``load_from`` and every ``init_cfg`` checkpoint path in a config."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ('load_from', 'checkpoint', 'pretrained', 'teacher_checkpoint') \
                    and isinstance(value, str):
                yield value
            else:
                yield from _config_checkpoints(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _config_checkpoints(item)


def trust_config_checkpoints(cfg) -> None:
    """Trust the checkpoint paths written in the config the user passed."""
    plain = cfg.to_dict() if hasattr(cfg, 'to_dict') else cfg
    for path in _config_checkpoints(plain):
        trust_checkpoint(path)


def load_checkpoint_file(filename: str, map_location=None):
    """Load a local checkpoint: safe unpickling, full only for trusted files."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if not is_trusted(filename):
            raise pickle.UnpicklingError(
                f'{filename}: refusing to unpickle objects beyond tensors '
                '(torch weights_only loading failed). Pass the file on the '
                'command line (tools/test.py CKPT, --resume PATH) or in your '
                'config (load_from / init_cfg) if you trust it, or call '
                'cmd_mmaction.engine.trust_checkpoint(path). '
                f'Original error: {str(err).splitlines()[0]}') from None
    real = osp.realpath(filename)
    if real not in _fully_unpickled:
        _fully_unpickled.add(real)
        print_log(f'{filename}: holds objects beyond tensors; loading it with full '
                  'unpickling (which can run code) because it is trusted (named by you, '
                  'or inside the work dir of --resume)', logger='current', level=logging.WARNING)
    return torch.load(filename, map_location=map_location, weights_only=False)


# Replace mmengine's local-file loader ('' = no scheme prefix).
CheckpointLoader.register_scheme(prefixes='', loader=load_checkpoint_file, force=True)
