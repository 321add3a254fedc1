"""Northwestern-UCLA Multiview Action 3D JSON clips -> PoseDataset samples (layout 'kinect-v1').

Input: one ``aAA_sSS_eEE_vVV.json`` per clip (action AA, subject SS, take EE, camera view
VV), ``{"file_name": ..., "skeletons": [T][20][3], "label": ...}`` in metres, camera
space, one person, Kinect v1 SDK joint order (the files distributed with the CTR-GCN
code). Output: M = 1, V = 20, ``label`` the standard 0-based class of AA
(:data:`ACTION_LABELS`; a ``label`` field in the file, 1-based, must agree).

Splits, cross-view: views 1 and 2 -> ``xview_train`` (1,020 clips), view 3 ->
``xview_val`` (464). For choosing recipes without view 3 the training views are split
again: view 1 -> ``xview_train_tune``, view 2 -> ``xview_val_tune``.

Two clips of the standard set have a single frame (``a02_s09_e04_v02``,
``a02_s09_e04_v03``). They are kept: the temporal crop-resize repeats the frame, so the
network sees a still pose (its motion stream is zero), and dropping them would change the
standard protocol's split sizes. The summary counts them. All-zero frames are dropped and
counted; an all-zero clip is skipped.
"""
import json
import re
from pathlib import Path
from typing import Iterable, List, Optional

import numpy as np

from ...skeleton.pre_normalize import normalization_record
from .common import (BadFileError, ConversionSummary, ConvertedSample, PathLike, SkipSample,
                     checked_keypoint, convert_items, drop_empty_frames, make_annotation,
                     write_pose_dataset)
from ..tuning_split import TuningSplit

LAYOUT = 'kinect-v1'
NUM_JOINTS = 20
SUFFIX = '.json'
IMG_SHAPE = (480, 640)
#: action id AA -> the standard 0-based label
ACTION_LABELS = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8, 12: 9}
NUM_CLASSES = len(ACTION_LABELS)
TRAIN_VIEWS = (1, 2)
SPLITS = ('xview_train', 'xview_val')
# view 2 held out for validation: xview_val_tune; view 1: xview_train_tune
TUNING = TuningSplit('xview_train', 'nw-ucla-view', holdout=(2, ))
STANDARD_CLIPS = 1484
NAME_PATTERN = re.compile(r'^a(\d{2})_s(\d{2})_e(\d{2})_v(\d{2})$')


def parse_name(name: str):
    """``a01_s02_e03_v01`` -> (action, subject, take, view)."""
    match = NAME_PATTERN.match(name)
    if match is None:
        raise ValueError(f'{name!r} is not a Northwestern-UCLA name like a01_s02_e03_v01')
    return tuple(int(g) for g in match.groups())


def read_clip(path: PathLike) -> dict:
    """-> dict(skeletons=float64 (T, 20, 3), label=int | None); BadFileError for a file that
    is not JSON, has no ``skeletons`` or the wrong shape."""
    path = Path(path)
    if not path.is_file():
        raise BadFileError(path, None, 'file not found (a broken link?)', reason='missing file')
    try:
        content = json.loads(path.read_text(encoding='utf-8'))
    except json.JSONDecodeError as err:
        raise BadFileError(path, err.lineno, f'malformed JSON: {err.msg}') from None
    except UnicodeDecodeError:
        raise BadFileError(path, None, 'not a UTF-8 text file') from None
    if not isinstance(content, dict) or 'skeletons' not in content:
        raise BadFileError(path, None, 'expected a JSON object with "skeletons" ([T][20][3])')
    try:
        frames = np.asarray(content['skeletons'], dtype=np.float64)
    except (TypeError, ValueError):
        raise BadFileError(path, None, '"skeletons" is not a [T][20][3] array of numbers '
                           '(ragged or non-numeric)') from None
    if frames.ndim == 1 and frames.size == 0:
        raise SkipSample('no frames', 'empty "skeletons" list')
    if frames.ndim != 3 or frames.shape[1:] != (NUM_JOINTS, 3):
        raise BadFileError(path, None, f'"skeletons" has shape {frames.shape}, expected '
                           f'(T, {NUM_JOINTS}, 3)')
    if not np.isfinite(frames).all():
        raise BadFileError(path, None, 'non-finite value (NaN/Inf) in "skeletons"',
                           reason='non-finite values')
    label = content.get('label')
    if label is not None and (isinstance(label, bool) or not isinstance(label, int)):
        raise BadFileError(path, None, f'"label" must be an integer, got {label!r}')
    return dict(skeletons=frames, label=label)


def splits_of(view: int):
    if view not in (1, 2, 3):
        raise ValueError(f'view {view} outside 1..3')
    return ('xview_train', ) if view in TRAIN_VIEWS else ('xview_val', )


class NWUCLAConverter:
    """Convert the Northwestern-UCLA JSON clips of ``data_dir`` to a PoseDataset pickle.

    Args:
        data_dir: directory of ``aAA_sSS_eEE_vVV.json`` files (``all_sqe``).
        names: clip names to convert; None = every ``*.json`` in ``data_dir``.
        normalize: apply CMD's pre-normalisation (docs/preprocessing.md, joints of layout
            'kinect-v1') and record it in the pickle (``pre_normalized``).
        strict: raise on the first malformed file instead of skipping it.
        progress: show an mmengine ProgressBar.
    """

    def __init__(self, data_dir: PathLike, names: Optional[Iterable[str]] = None,
                 normalize: bool = False, strict: bool = False, progress: bool = True):
        self.data_dir = Path(data_dir)
        if not self.data_dir.is_dir():
            raise FileNotFoundError(f'input directory not found: {self.data_dir}')
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
            action, _, _, view = parse_name(name)
            splits = splits_of(view)
        except ValueError as err:
            raise BadFileError(path, None, str(err), reason='bad file name') from None
        if action not in ACTION_LABELS:
            raise BadFileError(path, None, f'action {action} is not one of the ten '
                               f'Northwestern-UCLA actions {sorted(ACTION_LABELS)}',
                               reason='bad file name')
        clip = read_clip(path)
        label = ACTION_LABELS[action]
        if clip['label'] is not None and clip['label'] - 1 != label:
            raise BadFileError(path, None, f'"label" {clip["label"]} (1-based) disagrees with '
                               f'the file name (action {action} = class {label + 1})')
        keypoint, num_empty = drop_empty_frames(clip['skeletons'][None])
        if keypoint.shape[1] == 0:
            raise SkipSample('all zeros')
        if num_empty:
            self.summary.add_note('empty frames dropped', num_empty)
        if keypoint.shape[1] == 1:
            self.summary.add_note('single-frame clips kept as a still pose (dropping them would '
                                  'change the standard split sizes)')
        keypoint = checked_keypoint(keypoint, path, LAYOUT if self.normalize else None)
        yield ConvertedSample(make_annotation(name, label, keypoint, IMG_SHAPE), splits)

    def convert(self, out: PathLike) -> ConversionSummary:
        samples = convert_items(self.names, self.convert_file, lambda n: n, self.summary,
                                strict=self.strict, progress=self.progress)
        if len(self.names) != STANDARD_CLIPS:
            self.summary.add_note(f'clips found (the standard set has {STANDARD_CLIPS})',
                                  len(self.names))
        write_pose_dataset(samples, SPLITS, out, self.summary,
                           normalization_record('cmd', LAYOUT) if self.normalize else None,
                           tuning=TUNING)
        return self.summary


def convert_nw_ucla(data_dir: PathLike, out: PathLike, normalize: bool = False,
                    strict: bool = False, progress: bool = True) -> ConversionSummary:
    """Functional front end of :class:`NWUCLAConverter`."""
    return NWUCLAConverter(data_dir, normalize=normalize, strict=strict,
                           progress=progress).convert(out)
