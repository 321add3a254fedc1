"""Late-bound config variables: ``'{name}'`` stands for the config's top-level ``name``.

mmengine evaluates a base config file once, so a child that redefines a variable of
its base (``ann_file = ...``) does not change the dicts the base built from it. This
project's configs therefore write the values that depend on the dataset, the encoder
or the run as placeholders: a string that is exactly ``'{name}'`` (anywhere in the
config, also inside other variables) is replaced by the value of the top-level
variable ``name`` of the *final* config, after ``--cfg-options``. So one override
changes every use::

    ann_file = 'data/my_ntu.pkl'                     # in a child config, or
    --cfg-options ann_file=data/my_ntu.pkl num_classes=10 pretrained=work_dirs/x.pth

``tools/train.py``, ``tools/test.py`` and :func:`load_config` resolve them.

The dotted keys of mmaction2 habits keep working: ``model.backbone.hidden=8``, where
``model.backbone`` is the placeholder ``'{backbone}'``, is redirected to the variable
(``backbone.hidden=8``) by :func:`merge_options`, so it changes every use of it.
"""
import copy
import re
from typing import List, Optional, Sequence, Union

from mmengine.config import Config, ConfigDict

PLACEHOLDER = re.compile(r'^\{([A-Za-z_][A-Za-z0-9_]*)\}$')

__all__ = ['resolve_variables', 'load_config', 'merge_options', 'redirect_option',
           'ConfigVariableError']


class ConfigVariableError(ValueError):
    """A placeholder names a variable the config does not define (or a cycle)."""


def _resolve(value, top: dict, where: str, stack: List[str]):
    if isinstance(value, str):
        match = PLACEHOLDER.match(value)
        if match is None:
            return value
        name = match.group(1)
        if name in stack:
            raise ConfigVariableError(f'config variable cycle: {" -> ".join(stack + [name])}')
        if name not in top:
            raise ConfigVariableError(
                f'{where}: the config variable {name!r} ({value!r}) is not defined; set it in '
                f'the config ({name} = ...) or with --cfg-options {name}=...')
        return _resolve(copy.deepcopy(top[name]), top, where, stack + [name])
    if isinstance(value, dict):
        return {k: _resolve(v, top, f'{where}.{k}', stack) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_resolve(v, top, f'{where}[{i}]', stack) for i, v in enumerate(value)]
        return type(value)(items)
    return value


def resolve_variables(cfg: Config) -> Config:
    """Replace every ``'{name}'`` placeholder of ``cfg`` in place; returns ``cfg``."""
    top = cfg.to_dict()
    for key in list(top):
        resolved = _resolve(top[key], top, key, [key])
        cfg[key] = ConfigDict(resolved) if isinstance(resolved, dict) else resolved
    return cfg


def redirect_option(cfg: Config, key: str) -> str:
    """The dotted ``key`` with every placeholder on its way replaced by its variable:
    ``model.backbone.hidden`` -> ``backbone.hidden`` when ``model.backbone`` is
    ``'{backbone}'``. Keys that do not pass through a placeholder come back unchanged."""
    for _ in range(16):  # placeholders may point at placeholders; a cycle stops here
        parts, node = key.split('.'), cfg
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, (dict, Config)) and part in node:
                node = node[part]
            elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return key
            match = PLACEHOLDER.match(node) if isinstance(node, str) else None
            if match is not None:
                key = '.'.join([match.group(1)] + parts[i + 1:])
                break
        else:
            return key
    return key


def merge_options(cfg: Config, options: dict) -> Config:
    """``cfg.merge_from_dict(options)`` with the keys redirected through placeholders
    (:func:`redirect_option`); returns ``cfg``."""
    cfg.merge_from_dict({redirect_option(cfg, k): v for k, v in options.items()})
    return cfg


def parse_options(strings: Sequence[str]) -> dict:
    """``['key=value', ...]`` as ``--cfg-options`` parses them (mmengine's DictAction:
    numbers, booleans, lists and tuples typed)."""
    from mmengine.config import DictAction
    options = {}
    for text in strings:
        key, sep, value = text.partition('=')
        if not sep:
            raise ValueError(f'{text!r}: a config option is key=value')
        options[key] = DictAction._parse_iterable(value)
    return options


def load_config(path: str, options: Union[None, dict, Sequence[str]] = None) -> Config:
    """``Config.fromfile(path)``, ``options`` merged (``--cfg-options`` style dotted
    keys, redirected through placeholders; a dict or ``'key=value'`` strings),
    placeholders resolved: the config as the tools see it."""
    cfg = Config.fromfile(path)
    if options and not isinstance(options, dict):
        options = parse_options(options)
    if options:
        merge_options(cfg, dict(options))
    return resolve_variables(cfg)
