"""Read ``tools/test.py --dump`` prediction pickles safely and line them up.

A dump is mmengine's ``DumpResults`` output: a list with one
``data_sample.to_dict()`` per test sample, holding at least ``pred_score``
(tensor (C,)) and ``gt_label`` (tensor (1,)), in dataset order.

Plain ``pickle.load`` runs any callable a file names. The dumps hold CPU torch
tensors, which plain pickle stores as ``torch._utils._rebuild_tensor_v2`` over
``torch.storage._load_from_bytes`` (itself a full ``torch.load``), so the
numpy-only :class:`~cmd_mmaction.utils.safe_pickle.SafeUnpickler` refuses
them. :class:`DumpUnpickler` extends its table with exactly those two names,
mapped to checked stand-ins: storages are read with
``torch.load(weights_only=True)`` and tensors may not carry backward hooks.
"""
import collections
import io
import os
import pickle
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np
import torch

from cmd_mmaction.utils.safe_pickle import SafeUnpickler

__all__ = ['DumpUnpickler', 'load_prediction_dump', 'scores_and_labels',
           'check_same_samples', 'IDENTITY_KEYS']

#: metainfo keys that identify a sample; compared between dumps when both have them
IDENTITY_KEYS = ('sample_idx', 'frame_dir', 'filename', 'video_id')


def _storage_from_bytes(data: bytes) -> Any:
    if not isinstance(data, bytes):
        raise pickle.UnpicklingError(f'tensor storage must be bytes, got {type(data).__name__}')
    return torch.load(io.BytesIO(data), weights_only=True, map_location='cpu')


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                    metadata=None) -> torch.Tensor:
    if not isinstance(storage, (torch.storage.TypedStorage, torch.UntypedStorage)):
        raise pickle.UnpicklingError(f'tensor storage expected, got {type(storage).__name__}')
    if backward_hooks:
        raise pickle.UnpicklingError('tensors with backward hooks are not allowed in dumps')
    if metadata is not None and not isinstance(metadata, dict):
        raise pickle.UnpicklingError(f'tensor metadata must be a dict, got '
                                     f'{type(metadata).__name__}')
    return torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
                                           requires_grad, collections.OrderedDict(), metadata)


class DumpUnpickler(SafeUnpickler):
    """:class:`SafeUnpickler` that also admits plain-pickled CPU torch tensors."""

    EXTRA_GLOBALS: Dict[Tuple[str, str], Callable] = {
        ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor,
        ('torch.storage', '_load_from_bytes'): _storage_from_bytes,
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.EXTRA_GLOBALS:
            return self.EXTRA_GLOBALS[(module, name)]
        return super().find_class(module, name)


def load_prediction_dump(path: 'str | os.PathLike', trusted: bool = False) -> List[dict]:
    """Load a ``tools/test.py --dump`` pickle.

    Args:
        path: the dump file.
        trusted (bool): unpickle with plain ``pickle`` (runs whatever the file
            names; only for files you made yourself that the restricted
            loader refuses).

    Returns:
        list[dict]: one dict per sample, each with ``pred_score`` and ``gt_label``.

    Raises:
        FileNotFoundError: no such file.
        pickle.UnpicklingError: forbidden content or not a pickle.
        ValueError: not a list of dicts with ``pred_score`` and ``gt_label``.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'prediction dump not found: {path}')
    with open(path, 'rb') as f:
        if trusted:
            records = pickle.load(f)
        else:
            try:
                records = DumpUnpickler(f, source=path).load()
            except pickle.UnpicklingError as err:
                raise pickle.UnpicklingError(
                    f'{err} (a dump you made yourself can be read with trusted=True / '
                    '--trust-dumps)') from err
            except (EOFError, ValueError, TypeError, IndexError, KeyError,
                    AttributeError, RuntimeError) as err:
                raise pickle.UnpicklingError(
                    f'{path}: not a valid prediction dump ({type(err).__name__}: {err})'
                ) from err
    if not isinstance(records, list) or not records:
        raise ValueError(f'{path}: a prediction dump is a non-empty list of dicts, got '
                         f'{type(records).__name__}')
    for i, rec in enumerate(records):
        if not isinstance(rec, dict) or 'pred_score' not in rec or 'gt_label' not in rec:
            raise ValueError(f'{path}: sample {i} is not a dict with `pred_score` and '
                             f'`gt_label` (got {type(rec).__name__})')
    return records


def scores_and_labels(records: Sequence[dict], source: str = '<dump>'
                      ) -> Tuple[np.ndarray, np.ndarray]:
    """Stack a dump's scores and labels.

    Returns:
        tuple: scores float64 (N, C) and labels int64 (N,).
    """
    scores, labels = [], []
    for i, rec in enumerate(records):
        score = rec['pred_score']
        if isinstance(score, dict):
            raise ValueError(f'{source}: sample {i} has per-item scores '
                             f'{sorted(score)}; fuse single-stream dumps')
        score = np.asarray(torch.as_tensor(score).detach().cpu().double())
        if score.ndim != 1:
            raise ValueError(f'{source}: sample {i} pred_score must be (C,), got shape '
                             f'{score.shape}')
        label = torch.as_tensor(rec['gt_label'])
        if label.numel() != 1:
            raise ValueError(f'{source}: sample {i} must have one gt_label, got shape '
                             f'{tuple(label.shape)}')
        if scores and score.shape != scores[0].shape:
            raise ValueError(f'{source}: sample {i} has {score.shape[0]} class scores, sample '
                             f'0 has {scores[0].shape[0]}')
        scores.append(score)
        labels.append(int(label.item()))
    return np.stack(scores), np.asarray(labels, dtype=np.int64)


def _identity(value: Any) -> Any:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return np.asarray(value).tolist()
    return value


def check_same_samples(dumps: Sequence[Sequence[dict]], names: Sequence[str]) -> None:
    """Check that dumps list the same samples in the same order.

    Compares the number of samples, each position's ``gt_label`` and, where both
    dumps have them, the :data:`IDENTITY_KEYS`.

    Raises:
        ValueError: naming both files and the first position that differs.
    """
    first, first_name = dumps[0], names[0]
    for other, name in zip(dumps[1:], names[1:]):
        if len(other) != len(first):
            raise ValueError(f'{name} has {len(other)} samples but {first_name} has '
                             f'{len(first)}; the dumps must come from the same test set')
        for i, (a, b) in enumerate(zip(first, other)):
            keys = [key for key in IDENTITY_KEYS if key in a and key in b]
            for key in ['gt_label'] + keys:
                va, vb = _identity(a[key]), _identity(b[key])
                if va != vb:
                    raise ValueError(
                        f'sample {i}: {key} is {va!r} in {first_name} but {vb!r} in {name}; '
                        'the dumps must list the same samples in the same order')
