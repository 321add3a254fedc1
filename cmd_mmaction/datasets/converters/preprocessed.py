"""Import already-preprocessed arrays (CrosSCLR / CMD / IKEM style) -> PoseDataset samples.

Inputs per part (e.g. train or val):

* data ``.npy`` ``(N, C=3, T, V, M)`` (memory-mapped, read one sample at a time);
* label ``.pkl`` holding ``(names, labels)`` or ``(names, labels, frame_counts)`` (tuple
  or list), loaded with :func:`safe_load_label_pickle`, which admits only builtin
  containers / str / numbers and numpy arrays / scalars;
* optional ``num_frame.npy`` ``(N,)``.

Both ``.npy`` files are read by :func:`load_npy` (numbers only, no pickles); a
missing, truncated or non-numeric file stops the import with an error naming it.

Valid length of sample i: ``num_frame[i]`` if given, else ``frame_counts[i]`` from the label
pickle, else the index of its last not-all-zero frame + 1 (trailing zero frames trimmed).
A length above T (IKEM stores raw lengths next to data resampled to 50 frames) keeps all T
frames and records ``raw_total_frames`` in the annotation (IKEM's true-timeline scale
reads it). All-zero bodies are dropped; a trailing ``.skeleton`` is stripped from names.
``pre_normalized`` (what the arrays already went through) is recorded in the pickle.
"""
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

from ...utils.safe_pickle import safe_load
from .common import (BadFileError, ConversionSummary, ConvertedSample, PathLike,
                     SkipSample, convert_items, make_annotation, write_pose_dataset)

IMG_SHAPE = (1080, 1920)


def safe_load_label_pickle(path: PathLike):
    """Load a label pickle with :func:`cmd_mmaction.utils.safe_pickle.safe_load`
    (builtin containers/str/numbers and numpy data only; Python 2 pickles decoded
    as latin-1). Raises FileNotFoundError, or ValueError naming the file."""
    try:
        return safe_load(path, encoding='latin1')
    except pickle.UnpicklingError as err:
        raise ValueError(str(err)) from None


@dataclass
class PreprocessedPart:
    """One data/label pair and the split name its samples go to."""
    data: PathLike
    label: PathLike
    split: str
    num_frame: Optional[PathLike] = None


def _as_int_list(values, path: Path, what: str) -> List[int]:
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            if isinstance(v, (float, np.floating)) and float(v).is_integer():
                v = int(v)
            else:
                raise BadFileError(path, None, f'{what}[{i}] = {v!r} is not an integer')
        out.append(int(v))
    return out


def read_label_pickle(path: PathLike):
    """-> (names, labels, frame_counts or None), validated."""
    path = Path(path)
    obj = safe_load_label_pickle(path)
    if not isinstance(obj, (tuple, list)) or len(obj) not in (2, 3):
        raise BadFileError(path, None, 'expected a (names, labels) or (names, labels, '
                                       f'frame_counts) tuple, got {type(obj).__name__}'
                                       + (f' of length {len(obj)}'
                                          if isinstance(obj, (tuple, list)) else ''))
    names = [str(n) for n in obj[0]]
    labels = _as_int_list(obj[1], path, 'labels')
    counts = _as_int_list(obj[2], path, 'frame_counts') if len(obj) == 3 else None
    if len(labels) != len(names) or (counts is not None and len(counts) != len(names)):
        raise BadFileError(path, None, f'{len(names)} names but {len(labels)} labels'
                           + (f' and {len(counts)} frame counts' if counts is not None else ''))
    return names, labels, counts


_NPY_MAGIC = b'\x93NUMPY'


def load_npy(path: PathLike, what: str, mmap: bool = False) -> np.ndarray:
    """``np.load`` (no pickles) of a numeric array; every failure names the file.

    numpy's own errors (``mmap length is greater than file size``, ``No data left
    in file``, ``This file contains pickled (object) data``) do not say which file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'{what} file not found: {path}')
    with open(path, 'rb') as f:
        if f.read(len(_NPY_MAGIC)) != _NPY_MAGIC:
            raise BadFileError(path, None, f'not a .npy file (no NumPy header); {what} must '
                               'be saved with numpy.save')
    try:
        array = np.load(path, mmap_mode='r' if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise BadFileError(path, None, f'unreadable .npy file ({err})') from None
    if array.dtype.kind not in 'fiu':
        raise BadFileError(path, None, f'{what} must hold numbers, got dtype {array.dtype}')
    return array


def valid_length(sample: np.ndarray) -> int:
    """Index of the last not-all-zero frame + 1 of a ``(C, T, V, M)`` sample."""
    nonzero = (sample != 0).any(axis=(0, 2, 3))
    idx = np.flatnonzero(nonzero)
    return int(idx[-1]) + 1 if idx.size else 0


class PreprocessedImporter:
    """Import ``(N, C, T, V, M)`` arrays + label pickles into one PoseDataset pickle.

    Args:
        strict: raise on the first bad sample (e.g. negative label) instead of skipping.
        progress: show an mmengine ProgressBar.
        pre_normalized: ``normalization_record(method, layout)`` of the arrays, or None
            for raw arrays.
    """

    def __init__(self, strict: bool = False, progress: bool = True,
                 pre_normalized: Optional[dict] = None):
        self.pre_normalized = pre_normalized
        self.strict = strict
        self.progress = progress
        self.summary = ConversionSummary()

    def _convert_part(self, part: PreprocessedPart) -> List[ConvertedSample]:
        data_path, label_path = Path(part.data), Path(part.label)
        data = load_npy(data_path, 'data', mmap=True)
        if data.ndim != 5 or data.shape[1] != 3:
            raise BadFileError(data_path, None,
                               f'expected an (N, C=3, T, V, M) array, got shape {data.shape}')
        names, labels, counts = read_label_pickle(label_path)
        if len(names) != data.shape[0]:
            raise BadFileError(label_path, None,
                               f'{len(names)} names but {data_path} has {data.shape[0]} samples')
        if part.num_frame is not None:
            num_frame = load_npy(part.num_frame, 'num_frame').reshape(-1)
            if num_frame.shape[0] != data.shape[0]:
                raise BadFileError(part.num_frame, None, f'{num_frame.shape[0]} entries but '
                                   f'{data_path} has {data.shape[0]} samples')
            counts = [int(n) for n in num_frame]
        max_t = data.shape[2]

        def convert(i: int):
            name = names[i][:-len('.skeleton')] if names[i].endswith('.skeleton') else names[i]
            if labels[i] < 0:
                raise BadFileError(label_path, None, f'sample {i} ({name}): negative label '
                                   f'{labels[i]}', reason='bad label')
            if counts is None:
                length = valid_length(data[i])
                if length == 0:
                    raise SkipSample('all zeros')
            else:
                length = counts[i]
                if length <= 0:
                    raise SkipSample('no frames', f'frame count {length}')
            extra = {}
            if length > max_t:
                extra['raw_total_frames'] = length
                length = max_t
            sample = np.asarray(data[i, :, :length], dtype=np.float32)  # (C, T, V, M)
            if not np.isfinite(sample).all():
                raise BadFileError(data_path, None, f'sample {i} ({name}): '
                                   f'{int((~np.isfinite(sample)).sum())} NaN/Inf values',
                                   reason='non-finite values')
            keypoint = sample.transpose(3, 1, 2, 0)  # (M, T, V, C)
            bodies = (keypoint != 0).any(axis=(1, 2, 3))
            if not bodies.any():
                raise SkipSample('all zeros')
            if extra:
                self.summary.add_note('frame count above T (kept T frames)')
            yield ConvertedSample(
                make_annotation(name, labels[i], keypoint[bodies], IMG_SHAPE, **extra),
                (part.split,))

        return convert_items(range(data.shape[0]), convert, lambda i: names[i],
                             self.summary, strict=self.strict, progress=self.progress)

    def convert(self, parts: Sequence[PreprocessedPart], out: PathLike) -> ConversionSummary:
        samples: List[ConvertedSample] = []
        for part in parts:
            samples.extend(self._convert_part(part))
        split_names = list(dict.fromkeys(p.split for p in parts))
        write_pose_dataset(samples, split_names, out, self.summary, self.pre_normalized)
        return self.summary


def import_preprocessed(parts: Sequence[PreprocessedPart], out: PathLike,
                        strict: bool = False, progress: bool = True,
                        pre_normalized: Optional[dict] = None) -> ConversionSummary:
    """Functional front end of :class:`PreprocessedImporter`."""
    return PreprocessedImporter(strict=strict, progress=progress,
                                pre_normalized=pre_normalized).convert(parts, out)
