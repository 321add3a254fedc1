"""MSR Action3D ``aAA_sSS_eEE_skeleton3D.txt`` files -> PoseDataset samples (layout 'msr20').

Each file holds 20 lines per frame, each ``x y z c`` (metres in camera space, ``c`` a
tracking confidence that is dropped). Output: M = 1, V = 20 joints in file order,
``label = AA - 1``, cross-subject split: odd subjects -> ``xsub_train``, even ->
``xsub_val``; for choosing hyper-parameters without the test subjects, the training
subjects are split again: 7 and 9 -> ``xsub_val_tune``, 1, 3, 5 -> ``xsub_train_tune``. All-zero frames (the tracker lost the person) are dropped and counted; an
all-zero file (``a13_s09_e02``) is skipped with reason "all zeros". A line count that is
not a multiple of 20 is a truncated file.

By default only the files named in ``files_used_in_cvpr12_paper.txt`` (557 names) are
used when that list is in the input directory.
"""
import re
from pathlib import Path
from typing import Iterable, List, Optional

import numpy as np

from ...skeleton.pre_normalize import normalization_record
from .common import (BadFileError, ConversionSummary, ConvertedSample, LineReader,
                     PathLike, SkipSample, checked_keypoint, convert_items, drop_empty_frames,
                     make_annotation, read_name_list, write_pose_dataset)
from ..tuning_split import TuningSplit

LAYOUT = 'msr20'
NUM_JOINTS = 20
NUM_CLASSES = 20
SUFFIX = '_skeleton3D.txt'
DEFAULT_FILE_LIST = 'files_used_in_cvpr12_paper.txt'
IMG_SHAPE = (480, 640)
SPLITS = ('xsub_train', 'xsub_val')
# training subjects 7, 9 held out for validation: xsub_val_tune; 1, 3, 5: xsub_train_tune
TUNING = TuningSplit('xsub_train', 'msr-subject', holdout=(7, 9))
NAME_PATTERN = re.compile(r'^a(\d{2})_s(\d{2})_e(\d{2})$')


def parse_name(name: str):
    """``a05_s03_e02`` -> (action, subject, execution), all 1-based."""
    match = NAME_PATTERN.match(name)
    if match is None:
        raise ValueError(f'{name!r} is not an MSR Action3D name like a05_s03_e02')
    return tuple(int(g) for g in match.groups())


def read_msr_file(path: PathLike) -> np.ndarray:
    """-> float64 ``(T, 20, 3)`` as parsed (the float32 cast and its finiteness check are
    :func:`checked_keypoint`'s); BadFileError for a truncated or garbled file."""
    reader = LineReader(path)
    while reader.lines and not reader.lines[-1].strip():
        reader.lines.pop()
    num_lines = len(reader.lines)
    if num_lines == 0:
        raise SkipSample('no frames', 'empty file')
    if num_lines % NUM_JOINTS:
        raise BadFileError(path, num_lines,
                           f'truncated: {num_lines} lines is not a multiple of {NUM_JOINTS} '
                           f'(last frame incomplete)', reason='truncated or garbled file')
    values = reader.next_block(num_lines, 4, 'a joint line (x y z c)')
    return values[:, :3].reshape(-1, NUM_JOINTS, 3)


class MSRAction3DConverter:
    """Convert MSR Action3D skeleton files to a PoseDataset pickle.

    Args:
        data_dir: directory holding the ``*_skeleton3D.txt`` files.
        names: sample names (``aAA_sSS_eEE``) to convert; None -> the paper's file list if
            present in ``data_dir`` (``use_all`` False), else every file in the directory.
        use_all: ignore the default file list and convert every file.
        normalize: apply CMD's pre-normalisation (docs/preprocessing.md, joints of layout
            'msr20') and record it in the pickle (``pre_normalized``).
        strict: raise on the first malformed file instead of skipping it.
        progress: show an mmengine ProgressBar.
    """

    def __init__(self, data_dir: PathLike, names: Optional[Iterable[str]] = None,
                 use_all: bool = False, normalize: bool = False, strict: bool = False,
                 progress: bool = True):
        self.data_dir = Path(data_dir)
        if not self.data_dir.is_dir():
            raise FileNotFoundError(f'input directory not found: {self.data_dir}')
        if names is None and not use_all and (self.data_dir / DEFAULT_FILE_LIST).is_file():
            names = read_name_list(self.data_dir / DEFAULT_FILE_LIST, SUFFIX)
        if names is None:
            names = sorted(p.name[:-len(SUFFIX)] for p in self.data_dir.glob('*' + SUFFIX))
        self.names: List[str] = list(dict.fromkeys(
            n[:-len(SUFFIX)] if n.endswith(SUFFIX) else n for n in names))
        self.normalize = normalize
        self.strict = strict
        self.progress = progress
        self.summary = ConversionSummary()

    def convert_file(self, name: str):
        path = self.data_dir / f'{name}{SUFFIX}'
        try:
            action, subject, _ = parse_name(name)
        except ValueError as err:
            raise BadFileError(path, None, str(err), reason='bad file name') from None
        if not 1 <= action <= NUM_CLASSES:
            raise BadFileError(path, None, f'action {action} outside 1..{NUM_CLASSES}',
                               reason='bad file name')
        if not path.is_file():
            raise BadFileError(path, None, 'listed file not found', reason='missing file')
        frames = read_msr_file(path)[None]  # (1, T, 20, 3)
        keypoint, num_empty = drop_empty_frames(frames)
        if keypoint.shape[1] == 0:
            raise SkipSample('all zeros')
        if num_empty:
            self.summary.add_note('empty frames dropped', num_empty)
            self.summary.add_note('samples with empty frames dropped')
        splits = ('xsub_val', ) if subject % 2 == 0 else ('xsub_train', )
        keypoint = checked_keypoint(keypoint, path, LAYOUT if self.normalize else None)
        yield ConvertedSample(make_annotation(name, action - 1, keypoint, IMG_SHAPE), splits)

    def convert(self, out: PathLike) -> ConversionSummary:
        samples = convert_items(self.names, self.convert_file, lambda n: n, self.summary,
                                strict=self.strict, progress=self.progress)
        write_pose_dataset(samples, SPLITS, out, self.summary,
                           normalization_record('cmd', LAYOUT) if self.normalize else None,
                           tuning=TUNING)
        return self.summary


def convert_msr_action3d(data_dir: PathLike, out: PathLike,
                         file_list: Optional[PathLike] = None, use_all: bool = False,
                         normalize: bool = False, strict: bool = False,
                         progress: bool = True) -> ConversionSummary:
    """Functional front end; ``file_list`` is a one-name-per-line file (suffix optional)."""
    names = read_name_list(file_list, SUFFIX) if file_list else None
    return MSRAction3DConverter(data_dir, names, use_all=use_all, normalize=normalize,
                                strict=strict, progress=progress).convert(out)
