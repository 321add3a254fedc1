"""Config checks that run before the runner builds anything or reads any data.

A wrong config should fail in the first second with a message naming the
field, not after the dataset has loaded (or hours later, at the first
validation or the first full queue). ``tools/train.py`` and ``tools/test.py``
call :func:`validate_config` right after the command line is merged.
"""
import os
import os.path as osp
import re
from typing import Iterator, Optional, Tuple

from mmengine.config import ConfigDict

from ..datasets.modalities import canonical_name

# class counts of the benchmarks, recognised in annotation file names
# (the generated data is not listed: its class count is a generator option)
KNOWN_NUM_CLASSES = (('ntu120', 120), ('ntu60', 60), ('pku', 51), ('msr', 20))


def _walk(node, path: str = '') -> Iterator[Tuple[str, dict]]:
    """Every dict in the config tree, with its dotted path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f'{path}.{key}' if path else str(key))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _walk(value, f'{path}[{i}]')


def _is_local(path: str) -> bool:
    return not re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*://', path)


def check_checkpoints_exist(cfg) -> None:
    """``load_from`` (unless resuming automatically) and every ``Pretrained`` init file."""
    load_from = cfg.get('load_from')
    if load_from and _is_local(load_from) and not osp.isfile(load_from):
        raise FileNotFoundError(f'config load_from: checkpoint {load_from} does not exist')
    for path, node in _walk(cfg.get('model', {}), 'model'):
        if node.get('type') == 'Pretrained' and node.get('checkpoint'):
            ckpt = node['checkpoint']
            if _is_local(ckpt) and not osp.isfile(ckpt):
                raise FileNotFoundError(f'config {path}: Pretrained checkpoint {ckpt} does not '
                                        'exist (pretrain first, or fix the path)')
        for key in ('teacher_checkpoint', 'pretrained'):
            ckpt = node.get(key)
            if isinstance(ckpt, str) and _is_local(ckpt) and not osp.isfile(ckpt):
                raise FileNotFoundError(f'config {path}.{key}: checkpoint {ckpt} does not exist')


def check_contrastive_model(cfg, world_size: int) -> None:
    """Modalities known; top-k within the queue; the queue holds a global batch of keys."""
    model = cfg.get('model') or {}
    if 'queue_len' not in model:
        return
    for name in model.get('modalities', ()):
        try:
            canonical_name(name)
        except ValueError as err:
            raise ValueError(f'config model.modalities: {err}') from None
    queue_len, topk = model['queue_len'], model.get('topk')
    if topk is not None and topk > queue_len:
        raise ValueError(f'config model.topk ({topk}) exceeds model.queue_len ({queue_len})')
    batch = (cfg.get('train_dataloader') or {}).get('batch_size')
    if batch is not None and queue_len < batch * world_size:
        raise ValueError(
            f'config model.queue_len ({queue_len}) is smaller than the global batch '
            f'({batch} x {world_size} processes = {batch * world_size}): one step would '
            'overwrite the whole queue with its own keys; raise queue_len')


def expected_num_classes(ann_file: Optional[str]) -> Optional[int]:
    """Class count implied by a benchmark's annotation file name, or None."""
    if not ann_file:
        return None
    name = osp.basename(ann_file).lower()
    for key, count in KNOWN_NUM_CLASSES:
        if key in name:
            return count
    return None


def check_num_classes(cfg) -> None:
    """A classification head's ``num_classes`` must match a known benchmark's classes."""
    heads = [(path, node) for path, node in _walk(cfg.get('model', {}), 'model')
             if 'num_classes' in node and isinstance(node.get('num_classes'), int)]
    if not heads:
        return
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset') or {}  # None with --no-validate
        expected = expected_num_classes(dataset.get('ann_file'))
        if expected is None:
            continue
        for path, head in heads:
            if head['num_classes'] != expected:
                raise ValueError(
                    f'config {path}.num_classes is {head["num_classes"]} but '
                    f'{loader}.dataset.ann_file {dataset["ann_file"]} is a {expected}-class '
                    'benchmark')


def validate_config(cfg: ConfigDict, launcher: str = 'none') -> None:
    """Run every check; the first problem raises ``ValueError``/``FileNotFoundError``.

    The world size is the launcher's ``WORLD_SIZE`` (1 without a launcher).
    """
    world_size = 1 if launcher == 'none' else int(os.environ.get('WORLD_SIZE', 1))
    check_contrastive_model(cfg, world_size)
    check_num_classes(cfg)
    check_checkpoints_exist(cfg)
