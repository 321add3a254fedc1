"""PKU-MMD (phase II) long sequences + action labels -> PoseDataset samples.

Inputs:

* skeleton file ``<skeleton_dir>/<video>.txt``: one line per frame of 150 floats
  (2 bodies x 25 joints x xyz; the second body is all zeros when absent).
* label file ``<label_dir>/<video>.txt``: one line per action instance,
  ``label,start,end,confidence`` with a 1-based label (1..51) and ``start`` / ``end``
  read as 1-based inclusive frame numbers (as in the official toolkit), i.e. the
  instance is frames ``[start - 1, end)`` 0-based. ``end`` beyond the sequence is clipped
  to its last frame; an instance with ``start < 1``, ``start > end`` or starting after the
  last frame is a bad line.
* split file (``cross_subject_v2.txt`` / ``cross_view_v2.txt``): line 1 a header, line 2
  the comma-separated training videos, line 3 a header, line 4 the validation videos.

Each instance becomes ``frame_dir = f'{video}_{index}'`` (``index`` = 0-based position of
the line among the label file's non-blank lines), truncated to ``max_frames`` (300, docs/method_cmd.md) frames; bodies that are all zero inside the instance are dropped (M = 1 or 2).
Videos present in neither split list are skipped and counted.
"""
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ...skeleton.pre_normalize import normalization_record
from .common import (BadFileError, ConversionSummary, ConvertedSample, LineReader,
                     PathLike, SkipSample, Skipped, checked_keypoint, convert_items,
                     make_annotation, write_pose_dataset)

LAYOUT = 'nturgb+d'
NUM_CLASSES = 51
NUM_JOINTS = 25
MAX_BODIES = 2
MAX_FRAMES = 300
IMG_SHAPE = (1080, 1920)
PROTOCOLS = ('xsub', 'xview')


def read_split_file(path: PathLike) -> Tuple[List[str], List[str]]:
    """Official split file -> (train videos, val videos); names stripped, empties ignored."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'split file not found: {path}')
    lines = path.read_text().splitlines()
    if len(lines) < 4:
        raise BadFileError(path, len(lines) + 1,
                           f'expected 4 lines (header, train list, header, val list), '
                           f'got {len(lines)}')

    def names(line: str) -> List[str]:
        return [n.strip() for n in line.split(',') if n.strip()]

    train, val = names(lines[1]), names(lines[3])
    both = set(train) & set(val)
    if both:
        raise BadFileError(path, 4, f'videos in both train and val lists: {sorted(both)[:5]}')
    return train, val


def read_skeleton_sequence(path: PathLike) -> np.ndarray:
    """``<video>.txt`` -> float64 ``(2, T, 25, 3)`` as parsed; BadFileError names a
    malformed line."""
    reader = LineReader(path)
    while reader.lines and not reader.lines[-1].strip():
        reader.lines.pop()  # trailing blank lines
    num_frames = len(reader.lines)
    if num_frames == 0:
        raise SkipSample('no frames', 'empty skeleton file')
    values = reader.next_block(num_frames, MAX_BODIES * NUM_JOINTS * 3, 'a frame')
    return values.reshape(num_frames, MAX_BODIES, NUM_JOINTS, 3).transpose(
        1, 0, 2, 3)


def read_label_file(path: PathLike) -> List[Tuple[int, Optional[Tuple[int, int, int]], str]]:
    """Label file -> list of (line number, (label, start, end) or None, problem)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'label file not found: {path}')
    out = []
    for lineno, text in enumerate(path.read_text().splitlines(), start=1):
        if not text.strip():
            continue
        fields = [f.strip() for f in text.split(',')]
        problem = ''
        parsed = None
        if len(fields) != 4:
            problem = f'expected 4 comma-separated values (label,start,end,confidence), ' \
                      f'got {len(fields)}'
        else:
            try:
                label, start, end = (int(f) for f in fields[:3])
                float(fields[3])
                parsed = (label, start, end)
            except ValueError:
                problem = f'non-numeric value in {text.strip()[:60]!r}'
        out.append((lineno, parsed, problem))
    return out


class PKUMMDConverter:
    """Cut PKU-MMD II action instances into a PoseDataset pickle.

    Args:
        skeleton_dir: directory of ``<video>.txt`` skeleton files.
        label_dir: directory of ``<video>.txt`` label files.
        split_file: official ``cross_subject_v2.txt`` / ``cross_view_v2.txt``.
        protocol: 'xsub' or 'xview' (names the output splits ``<protocol>_train/val``).
        max_frames: instances are truncated to this many frames.
        normalize: apply CMD's pre-normalisation (docs/preprocessing.md) to each
            instance and record it in the pickle (``pre_normalized``).
        strict: raise on the first malformed file / label line instead of skipping.
        progress: show an mmengine ProgressBar.
    """

    def __init__(self, skeleton_dir: PathLike, label_dir: PathLike, split_file: PathLike,
                 protocol: str = 'xsub', max_frames: int = MAX_FRAMES,
                 normalize: bool = False, strict: bool = False, progress: bool = True):
        if protocol not in PROTOCOLS:
            raise ValueError(f'unknown protocol {protocol!r}; choose from {PROTOCOLS}')
        self.skeleton_dir = Path(skeleton_dir)
        self.label_dir = Path(label_dir)
        for d in (self.skeleton_dir, self.label_dir):
            if not d.is_dir():
                raise FileNotFoundError(f'input directory not found: {d}')
        train, val = read_split_file(split_file)
        self.video_split: Dict[str, str] = {v: f'{protocol}_train' for v in train}
        self.video_split.update({v: f'{protocol}_val' for v in val})
        self.protocol = protocol
        self.max_frames = max_frames
        self.normalize = normalize
        self.strict = strict
        self.progress = progress
        self.summary = ConversionSummary()

    def _bad_instance(self, name: str, label_path: Path, lineno: int, problem: str):
        err = BadFileError(label_path, lineno, problem, reason='bad label line')
        if self.strict:
            raise err
        return Skipped(name, err.reason, str(err))

    def convert_video(self, video: str):
        split = self.video_split.get(video)
        if split is None:
            raise SkipSample('not in split file')
        label_path = self.label_dir / f'{video}.txt'
        if not label_path.is_file():
            raise BadFileError(label_path, None, 'label file not found',
                               reason='missing label file')
        instances = read_label_file(label_path)
        sequence = read_skeleton_sequence(self.skeleton_dir / f'{video}.txt')
        num_frames = sequence.shape[1]
        for index, (lineno, parsed, problem) in enumerate(instances):
            name = f'{video}_{index}'
            if parsed is None:
                yield self._bad_instance(name, label_path, lineno, problem)
                continue
            label, start, end = parsed
            if not 1 <= label <= NUM_CLASSES:
                yield self._bad_instance(name, label_path, lineno,
                                         f'label {label} outside 1..{NUM_CLASSES}')
                continue
            if start < 1 or start > end or start > num_frames:
                yield self._bad_instance(
                    name, label_path, lineno,
                    f'frames {start}..{end} invalid for a {num_frames}-frame sequence')
                continue
            if end > num_frames:
                self.summary.add_note('instance end clipped to sequence length')
            clip = sequence[:, start - 1:min(end, num_frames)][:, :self.max_frames]
            bodies = (clip != 0).any(axis=(1, 2, 3))
            if not bodies.any():
                yield Skipped(name, 'all zeros')
                continue
            try:
                keypoint = checked_keypoint(clip[bodies], self.skeleton_dir / f'{video}.txt',
                                            LAYOUT if self.normalize else None)
            except BadFileError as err:
                if self.strict:
                    raise
                yield Skipped(name, err.reason, f'{err} (instance frames {start}..{end})')
                continue
            yield ConvertedSample(make_annotation(name, label - 1, keypoint, IMG_SHAPE),
                                  (split,))

    def convert(self, out: PathLike) -> ConversionSummary:
        """Convert every skeleton file whose stem is a video name into ``out``."""
        videos = sorted(p.stem for p in self.skeleton_dir.glob('*.txt') if p.is_file())
        samples = convert_items(videos, self.convert_video, lambda v: v, self.summary,
                                strict=self.strict, progress=self.progress)
        split_names = (f'{self.protocol}_train', f'{self.protocol}_val')
        write_pose_dataset(samples, split_names, out, self.summary,
                           normalization_record('cmd', LAYOUT) if self.normalize else None)
        return self.summary


def convert_pku_mmd(skeleton_dir: PathLike, label_dir: PathLike, split_file: PathLike,
                    out: PathLike, protocol: str = 'xsub', **kwargs) -> ConversionSummary:
    """Functional front end of :class:`PKUMMDConverter`."""
    return PKUMMDConverter(skeleton_dir, label_dir, split_file, protocol,
                           **kwargs).convert(out)
