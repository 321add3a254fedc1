"""Shared parts of the dataset converters.

Every converter turns raw files into mmaction2's PoseDataset pickle::

    dict(split=dict(<split_name>=[frame_dir, ...], ...),
         annotations=[dict(frame_dir=str, label=int (0-based), total_frames=T,
                           img_shape=(h, w), original_shape=(h, w),
                           keypoint=float32 (M, T, V, C=3)), ...])

Error policy shared by all converters:

* :class:`BadFileError` — the file is malformed (truncated, garbled, wrong value count).
  ``strict=True`` re-raises it (the message names the file and the line); otherwise the
  item is skipped and counted under ``reason``.
* :class:`SkipSample` — the file is well formed but must not be used (listed as missing,
  all zeros, outside the benchmark). It is skipped and counted in both modes.
"""
import os
import sys
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import (Callable, Dict, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import numpy as np

from ...skeleton.pre_normalize import cmd_pre_normalize
from ...utils.atomic_io import pickle_dump_atomic
from ..tuning_split import TuningSplit

PathLike = Union[str, os.PathLike]


class BadFileError(ValueError):
    """A malformed input file.

    Args:
        path: the offending file.
        line: 1-based line number, or None when the problem is not tied to one line.
        problem: what is wrong.
        reason: short category used to group skips in the summary.
    """

    def __init__(self, path: PathLike, line: Optional[int], problem: str,
                 reason: str = 'truncated or garbled file'):
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.reason = reason
        where = f'{self.path}: line {line}' if line is not None else self.path
        super().__init__(f'{where}: {problem}')


class SkipSample(Exception):
    """A well-formed item that is deliberately not converted (counted, never fatal)."""

    def __init__(self, reason: str, detail: str = ''):
        self.reason = reason
        self.detail = detail
        super().__init__(f'{reason}: {detail}' if detail else reason)


@dataclass
class ConvertedSample:
    """One output sample: its PoseDataset annotation and the splits it belongs to."""
    annotation: dict
    splits: Tuple[str, ...]


@dataclass
class Skipped:
    """An item (file, video or instance) left out of the output."""
    name: str
    reason: str
    detail: str = ''


@dataclass
class ConversionSummary:
    """What a conversion wrote and what it skipped, grouped by reason.

    ``notes`` counts side events that did not stop a sample (e.g. dropped empty frames).
    """
    written: int = 0
    skipped: List[Skipped] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    split_sizes: Dict[str, int] = field(default_factory=dict)
    output: Optional[str] = None
    names: set = field(default_factory=set, repr=False)  # converted sample names

    def record_written(self) -> None:
        self.written += 1

    def record_skipped(self, name: str, reason: str, detail: str = '') -> None:
        self.skipped.append(Skipped(name, reason, detail))

    def add_note(self, key: str, count: int = 1) -> None:
        self.notes[key] += count

    @property
    def num_skipped(self) -> int:
        return len(self.skipped)

    def skipped_by_reason(self) -> Dict[str, List[Skipped]]:
        groups: Dict[str, List[Skipped]] = OrderedDict()
        for item in self.skipped:
            groups.setdefault(item.reason, []).append(item)
        return groups

    def format(self, max_examples: int = 3) -> str:
        lines = [f'written: {self.written}' + (f' -> {self.output}' if self.output else '')]
        if self.split_sizes:
            lines.append('splits: ' + ', '.join(f'{k}={v}' for k, v in self.split_sizes.items()))
        lines.append(f'skipped: {self.num_skipped}')
        for reason, items in self.skipped_by_reason().items():
            lines.append(f'  {reason}: {len(items)}')
            for item in items[:max_examples]:
                lines.append(f'    {item.name}' + (f' ({item.detail})' if item.detail else ''))
            if len(items) > max_examples:
                lines.append(f'    ... {len(items) - max_examples} more')
        for key, count in sorted(self.notes.items()):
            lines.append(f'note: {key}: {count}')
        return '\n'.join(lines)

    __str__ = format


def make_annotation(frame_dir: str, label: int, keypoint: np.ndarray,
                    img_shape: Tuple[int, int] = (1080, 1920), **extra) -> dict:
    """Build one PoseDataset annotation; ``keypoint`` must be (M, T, V, 3)."""
    keypoint = np.ascontiguousarray(keypoint, dtype=np.float32)
    if keypoint.ndim != 4 or keypoint.shape[-1] != 3:
        raise ValueError(f'{frame_dir}: keypoint must be (M, T, V, 3), got {keypoint.shape}')
    ann = dict(frame_dir=frame_dir, label=int(label), total_frames=int(keypoint.shape[1]),
               img_shape=tuple(img_shape), original_shape=tuple(img_shape), keypoint=keypoint)
    ann.update(extra)
    return ann


def checked_keypoint(keypoint: np.ndarray, source: PathLike,
                     normalize_layout: Optional[str] = None) -> np.ndarray:
    """The float32 keypoint a converter writes, CMD-pre-normalised with the joints of
    ``normalize_layout`` when it names a layout (``--normalize``).

    Finiteness is checked *after* the cast to float32 and after the normalisation: a
    coordinate such as 1e39 is finite in float64 but ``inf`` in float32 (and turns a
    normalised sample into NaN). Raises :class:`BadFileError` naming ``source``.
    """
    with np.errstate(over='ignore', invalid='ignore'):
        keypoint = np.asarray(keypoint, dtype=np.float32)
        for stage in ('', ' after --normalize'):
            bad = ~np.isfinite(keypoint)
            if bad.any():
                m, t, v, _ = np.argwhere(bad)[0]
                raise BadFileError(source, None, f'{int(bad.sum())} coordinates are not finite'
                                   f' in float32{stage} (first at body {m}, frame {t}, joint '
                                   f'{v}; |value| > 3.4e38 overflows)',
                                   reason='non-finite values')
            if normalize_layout is None or stage:
                break
            keypoint = cmd_pre_normalize(keypoint, normalize_layout)
    return keypoint


def _progress_bar(total: Optional[int], enabled: bool):
    if not enabled or not total:
        return None
    from mmengine.utils import ProgressBar
    return ProgressBar(total, file=sys.stdout)


def convert_items(items: Sequence, convert: Callable[[object], Iterable],
                  name_of: Callable[[object], str], summary: ConversionSummary,
                  strict: bool = False, progress: bool = True) -> List[ConvertedSample]:
    """Run ``convert`` over ``items`` and apply the strict / skip policy.

    ``convert(item)`` yields :class:`ConvertedSample` or :class:`Skipped` (a part of the
    item left out, e.g. one bad action instance) and may raise :class:`BadFileError`
    (fatal when ``strict``) or :class:`SkipSample` for the whole item. A sample whose
    name was already converted (by this call or an earlier one with the same
    ``summary``) is a duplicate: fatal when ``strict``, else skipped and counted.
    """
    samples: List[ConvertedSample] = []
    seen = summary.names
    bar = _progress_bar(len(items), progress)
    for item in items:
        try:
            outputs = list(convert(item))
        except SkipSample as skip:
            summary.record_skipped(name_of(item), skip.reason, skip.detail)
            outputs = []
        except BadFileError as err:
            if strict:
                raise
            summary.record_skipped(name_of(item), err.reason, str(err))
            outputs = []
        for out in outputs:
            if isinstance(out, ConvertedSample) and out.annotation['frame_dir'] in seen:
                problem = (f'duplicate sample name {out.annotation["frame_dir"]!r} '
                           f'(from {name_of(item)})')
                if strict:
                    raise ValueError(problem)
                out = Skipped(out.annotation['frame_dir'], 'duplicate sample name', problem)
            if isinstance(out, Skipped):
                summary.record_skipped(out.name, out.reason, out.detail)
            else:
                seen.add(out.annotation['frame_dir'])
                samples.append(out)
                summary.record_written()
        if bar is not None:
            bar.update()
    if bar is not None:
        sys.stdout.write('\n')
    return samples


def build_pose_dataset(samples: Sequence[ConvertedSample], split_names: Sequence[str],
                       pre_normalized: Optional[dict] = None,
                       tuning: Optional[TuningSplit] = None) -> dict:
    """Assemble the PoseDataset dict; every name in ``split_names`` is present (maybe empty).

    ``tuning`` adds its two tuning splits after them (empty parts allowed: a
    conversion of some files may lack the held-out groups).

    ``pre_normalized`` (``dict(method='cmd', layout=...)`` after ``--normalize``) is
    stored as a top-level field: the pipeline's pre-normalisation then leaves the
    samples alone instead of normalising them twice.
    """
    split: Dict[str, List[str]] = OrderedDict((name, []) for name in split_names)
    seen = set()
    for sample in samples:
        name = sample.annotation['frame_dir']
        if name in seen:
            raise ValueError(f'duplicate frame_dir {name!r}')
        seen.add(name)
        for split_name in sample.splits:
            split.setdefault(split_name, []).append(name)
    if tuning is not None:
        split.update(tuning.carve(split, strict=False))
    data = dict(split=dict(split), annotations=[s.annotation for s in samples])
    if pre_normalized is not None:
        data['pre_normalized'] = dict(pre_normalized)
    return data


def write_pose_dataset(samples: Sequence[ConvertedSample], split_names: Sequence[str],
                       out: PathLike, summary: ConversionSummary,
                       pre_normalized: Optional[dict] = None,
                       tuning: Optional[TuningSplit] = None) -> dict:
    """Build and atomically write the pickle; refuses to write an empty dataset."""
    if not samples:
        raise ValueError(f'no sample could be converted; {out} not written\n{summary.format()}')
    data = build_pose_dataset(samples, split_names, pre_normalized, tuning)
    pickle_dump_atomic(data, out)
    summary.output = str(out)
    summary.split_sizes = {k: len(v) for k, v in data['split'].items()}
    return data


class LineReader:
    """Reads a text file line by line, keeping 1-based line numbers for error messages."""

    def __init__(self, path: PathLike):
        self.path = Path(path)
        with open(self.path, 'r', encoding='ascii', errors='replace') as f:
            self.lines = f.read().splitlines()
        self.pos = 0  # index of the next line

    @property
    def next_line_number(self) -> int:
        return self.pos + 1

    def error(self, problem: str, line: Optional[int] = None, **kw) -> BadFileError:
        return BadFileError(self.path, self.next_line_number if line is None else line,
                            problem, **kw)

    def next_line(self, what: str) -> str:
        if self.pos >= len(self.lines):
            raise self.error(f'unexpected end of file (expected {what})')
        self.pos += 1
        return self.lines[self.pos - 1]

    def next_int(self, what: str) -> int:
        text = self.next_line(what).strip()
        try:
            return int(text)
        except ValueError:
            raise self.error(f'expected {what} (an integer), got {text[:60]!r}',
                             line=self.pos) from None

    def next_block(self, num_lines: int, values_per_line: int, what: str) -> np.ndarray:
        """Parse ``num_lines`` lines of exactly ``values_per_line`` floats each."""
        first = self.pos
        if first + num_lines > len(self.lines):
            self.pos = len(self.lines)
            raise self.error(f'unexpected end of file (expected {num_lines} lines of {what}, '
                             f'found {len(self.lines) - first})')
        block = self.lines[first:first + num_lines]
        self.pos += num_lines
        try:
            values = np.array(' '.join(block).split(), dtype=np.float64)
            if values.size == num_lines * values_per_line:
                values = values.reshape(num_lines, values_per_line)
                bad = np.flatnonzero(~np.isfinite(values).all(axis=1))
                if bad.size:  # 'nan' / 'inf' parse as floats but poison training
                    raise self.error(f'non-finite value (NaN/Inf) in {what}: '
                                     f'{block[bad[0]][:60]!r}', line=first + int(bad[0]) + 1,
                                     reason='non-finite values')
                return values
        except ValueError as err:
            if isinstance(err, BadFileError):
                raise
        for offset, text in enumerate(block):  # slow path: find the bad line
            tokens = text.split()
            try:
                [float(t) for t in tokens]
            except ValueError:
                raise self.error(f'non-numeric value in {what}: {text[:60]!r}',
                                 line=first + offset + 1) from None
            if len(tokens) != values_per_line:
                raise self.error(f'expected {values_per_line} values in {what}, '
                                 f'got {len(tokens)}', line=first + offset + 1)
        raise self.error(f'cannot parse {what}', line=first + 1)  # pragma: no cover

    def check_at_end(self) -> None:
        """Only blank lines may follow the declared content."""
        for offset, text in enumerate(self.lines[self.pos:]):
            if text.strip():
                raise self.error(f'unexpected content after the last frame: {text[:60]!r}',
                                 line=self.pos + offset + 1)


def iter_files(dirs: Sequence[PathLike], suffix: str) -> Iterator[Path]:
    """Files ending with ``suffix`` in each directory (not recursive), sorted by name.

    Raises FileNotFoundError for a missing directory and ValueError for a name that
    appears in two directories.
    """
    found: Dict[str, Path] = {}
    for directory in dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f'input directory not found: {directory}')
        for path in directory.iterdir():
            if path.name.endswith(suffix) and path.is_file():
                if path.name in found:
                    raise ValueError(f'{path.name} found in both {found[path.name].parent} '
                                     f'and {directory}')
                found[path.name] = path
    return iter(found[name] for name in sorted(found))


def read_name_list(path: PathLike, suffix: str = '') -> List[str]:
    """Names from a one-per-line list (blank lines ignored, ``suffix`` stripped)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'name list not found: {path}')
    names = []
    for line in path.read_text().splitlines():
        name = line.strip()
        if name:
            names.append(name[:-len(suffix)] if suffix and name.endswith(suffix) else name)
    return names


def drop_empty_frames(keypoint: np.ndarray) -> Tuple[np.ndarray, int]:
    """Remove frames in which every body/joint is zero; (M, T, V, C) -> (M, T', V, C)."""
    present = (keypoint != 0).any(axis=(0, 2, 3))
    return keypoint[:, present], int((~present).sum())
