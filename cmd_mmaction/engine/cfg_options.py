"""Warn about ``--cfg-options`` keys that change nothing.

``Config.merge_from_dict`` accepts any key, so ``--cfg-options lod_from=x.pth``
adds a top-level ``lod_from`` that no code looks at and the run trains from
scratch without a word. A top-level key cannot be checked against the config
alone: configs define helper variables of their own (``clip_len``,
``ann_file``, ``pretrained``, ``dataset_type`` ...). So only keys given on the
command line are checked, by their first component:

* a key neither in the config file nor read by mmengine's Runner or our tools
  (:data:`KNOWN_TOP_LEVEL_KEYS`) is a typo: warned, with the closest known key;
* a helper variable of the file is warned too when nothing uses it as a
  ``'{name}'`` placeholder (cmd_mmaction/utils/config_vars.py): the file was
  evaluated before the options are merged, so the values computed from the
  variable keep their old value; the warning names the keys holding it.
  Placeholder variables (``ann_file``, ``num_classes``, ``pretrained`` ...)
  are resolved after the options, so changing them works.
"""
import difflib
import logging
from typing import Iterator, List

from mmengine.logging import print_log

__all__ = ['KNOWN_TOP_LEVEL_KEYS', 'unknown_option_keys', 'warn_unknown_options']

#: top-level keys read by mmengine 0.10.7's Runner (``from_cfg`` and its builders),
#: by ``Config`` itself, and by tools/train.py and tools/test.py
KNOWN_TOP_LEVEL_KEYS = frozenset({
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader',
    'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler',
    'val_evaluator', 'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor',
    'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer',
    'default_scope', 'randomness', 'experiment_name', 'model_wrapper_cfg', 'runner_type',
    'compile', 'strategy', 'find_unused_parameters', 'activation_checkpointing',
    'efficient_conv_bn_eval', 'custom_imports',
})


def _top_keys(options) -> List[str]:
    return list(dict.fromkeys(str(key).split('.')[0] for key in options))


def unknown_option_keys(cfg, options: dict) -> List[str]:
    """The top-level keys of ``options`` that ``cfg`` lacks and nothing reads."""
    return [key for key in _top_keys(options)
            if key not in cfg and key not in KNOWN_TOP_LEVEL_KEYS]


def _keys_holding(node, value, path='') -> Iterator[str]:
    """Dotted keys below ``node`` whose value equals the string ``value``."""
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, (list, tuple)) else ())
    for key, child in items:
        where = f'{path}.{key}' if path else str(key)
        if isinstance(child, str) and child == value:
            yield where
        else:
            yield from _keys_holding(child, value, where)


def warn_unknown_options(cfg, options, source: str = '--cfg-options') -> List[str]:
    """Log one warning per top-level key of ``options`` that has no effect.

    Call it before ``cfg.merge_from_dict(options)``.

    Returns:
        list[str]: the keys warned about.
    """
    options = options or {}
    warned = []
    known = sorted(set(cfg.keys()) | KNOWN_TOP_LEVEL_KEYS)
    tree = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
    for key in _top_keys(options):
        if key in KNOWN_TOP_LEVEL_KEYS:
            continue
        if any(_keys_holding(tree, '{' + key + '}')):
            continue  # a placeholder variable: resolved after the options
        if key not in cfg:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ''
            message = (f"'{key}' is not a key of the config and nothing reads it, so it has "
                       f'no effect{hint}')
        else:
            old = tree[key]
            users = [k for k in _keys_holding({n: v for n, v in tree.items() if n != key}, old)
                     ] if isinstance(old, str) else []
            where = (f': set {", ".join(users[:5])}{" ..." if len(users) > 5 else ""} instead'
                     if users else '; set the keys that use it instead')
            message = (f"'{key}' is a variable of the config file; the values the file "
                       f'computed from it keep their old value{where}')
        print_log(f'{source}: {message}', logger='current', level=logging.WARNING)
        warned.append(key)
    return warned
