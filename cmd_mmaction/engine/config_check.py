"""Config checks that run before the Runner is built (before any data is read).

A bad value otherwise surfaces minutes later, deep inside a dataset or a
forward pass, or not at all (a top-k larger than the queue silently selects
the whole queue). :func:`validate_config` walks the merged config once and
raises one :class:`ConfigValidationError` listing every problem, each with the
config key it found it at:

* unknown modality in any ``modalities`` entry (model, ``GenModality``, metric);
* a distillation loss whose rule rejects the queue length (CMD: ``distill.topk``
  larger than ``queue_len``; the rule itself lives in ``CMDLoss.check_queue``);
* ``queue_len`` smaller than the global train batch (``batch_size`` x world
  size): one step would overwrite the queue with itself (train only);
* a missing or truncated local checkpoint (zip CRC check, nothing unpickled):
  ``load_from`` (fine-tuning, ``--resume PATH``, the checkpoint of
  ``tools/test.py``), ``init_cfg=dict(type='Pretrained' | 'PretrainedEncoder',
  checkpoint=...)``, ``*_checkpoint`` keys (frozen teachers, e.g. IKEMStudent's
  ``teacher_checkpoint``) and ``pretrained`` paths (train only, the test runner
  does not initialise weights);
* a classification head whose ``num_classes`` differs from a dataset's
  ``num_classes`` written in the config.

Remote paths (``scheme://``) and package paths (``mmaction::``) are not checked.
"""
import os
import os.path as osp
from typing import Iterator, List, Tuple

from mmaction.registry import MODELS

from ..skeleton.modalities import canonical_name
from .atomic_checkpoint import is_complete_checkpoint

__all__ = ['ConfigValidationError', 'validate_config']

#: init_cfg types that load ``checkpoint`` (mmengine's and ours, models/utils/pretrained_encoder.py)
_CHECKPOINT_INITS = ('Pretrained', 'PretrainedEncoder')


class ConfigValidationError(ValueError):
    """One or more problems in a config; ``problems`` lists them."""

    def __init__(self, problems: List[str], source: str = 'config'):
        self.problems = problems
        super().__init__(f'{source}: {len(problems)} problem(s):\n  - ' + '\n  - '.join(problems))


def _walk(node, path: str = '') -> Iterator[Tuple[str, dict]]:
    """Yield (dotted key, dict) for every dict in a plain config tree."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f'{path}.{key}' if path else str(key))
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _walk(item, f'{path}[{i}]')


def _is_local(path) -> bool:
    return isinstance(path, str) and bool(path) and '://' not in path and '::' not in path


def _check_modalities(tree, problems):
    for path, node in _walk(tree):
        names = node.get('modalities')
        if names is None:
            continue
        for name in [names] if isinstance(names, str) else names:
            try:
                canonical_name(name)
            except (ValueError, TypeError) as err:
                problems.append(f'{path}.modalities: {err}')


def _check_queues(tree, global_batch, problems):
    for path, node in _walk(tree.get('model', {}), 'model'):
        queue_len = node.get('queue_len')
        if not isinstance(queue_len, int):
            continue
        distill = node.get('distill')
        if isinstance(distill, dict) and 'type' in distill:
            try:  # the loss's own rule (CMDLoss.check_queue), not a copy of it
                loss = MODELS.build(dict(distill))
                if hasattr(loss, 'check_queue'):
                    loss.check_queue(queue_len)
            except (ValueError, TypeError, KeyError) as err:
                problems.append(f'{path}.distill: {err}')
        if global_batch and queue_len < global_batch:
            problems.append(
                f'{path}: queue_len ({queue_len}) is smaller than the global batch '
                f'({global_batch} = train_dataloader.batch_size x world size); '
                'each step would overwrite the whole queue with its own keys')


def _check_checkpoint_file(key, file, problems):
    file = osp.expanduser(file)
    if not osp.isfile(file):
        problems.append(f'{key}: checkpoint not found: {file}')
    elif not is_complete_checkpoint(file):
        problems.append(f'{key}: {file} is empty, truncated or corrupt (not a complete '
                        'torch checkpoint)')


def _check_checkpoints(tree, mode, problems):
    if _is_local(tree.get('load_from')):
        _check_checkpoint_file('load_from', tree['load_from'], problems)
    if mode != 'train':
        return  # the test runner loads load_from only; init_cfg is not used
    for path, node in _walk(tree.get('model', {}), 'model'):
        files = [(f'{path}.{k}', v) for k, v in node.items()
                 if (k == 'pretrained' or k.endswith('_checkpoint')) and _is_local(v)]
        if node.get('type') in _CHECKPOINT_INITS and _is_local(node.get('checkpoint')):
            files.append((f'{path}.checkpoint', node['checkpoint']))
        for key, file in files:
            _check_checkpoint_file(key, file, problems)


def _check_num_classes(tree, problems):
    heads = [(f'{p}.num_classes', n['num_classes'])
             for p, n in _walk(tree.get('model', {}), 'model')
             if isinstance(n.get('num_classes'), int)]
    datasets = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for path, node in _walk(tree.get(loader) or {}, loader):
            if isinstance(node.get('num_classes'), int) and 'ann_file' in node:
                datasets.append((f'{path}.num_classes', node['num_classes']))
    for head_key, head_n in heads:
        for data_key, data_n in datasets:
            if head_n != data_n:
                problems.append(f'{head_key} ({head_n}) does not match {data_key} ({data_n})')


def validate_config(cfg, mode: str = 'train', launcher: str = 'none') -> None:
    """Raise :class:`ConfigValidationError` if ``cfg`` has any problem above.

    Args:
        cfg (Config | dict): the merged config (command-line options applied).
        mode (str): ``'train'`` or ``'test'``.
        launcher (str): the job launcher; with ``'pytorch'`` etc. the world
            size is read from ``WORLD_SIZE`` (set by torchrun).
    """
    if mode not in ('train', 'test'):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    tree = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
    world_size = int(os.environ.get('WORLD_SIZE', 1)) if launcher != 'none' else 1
    batch = (tree.get('train_dataloader') or {}).get('batch_size')
    global_batch = batch * world_size if mode == 'train' and isinstance(batch, int) else None
    problems: List[str] = []
    _check_modalities(tree, problems)
    _check_queues(tree, global_batch, problems)
    _check_checkpoints(tree, mode, problems)
    _check_num_classes(tree, problems)
    if problems:
        raise ConfigValidationError(problems, source=getattr(cfg, 'filename', None) or 'config')
