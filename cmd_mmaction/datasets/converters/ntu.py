"""NTU RGB+D 60 / 120 raw ``.skeleton`` files -> PoseDataset samples.

File format (one value group per line)::

    num_frames
    per frame:  num_bodies
      per body: 10 values  bodyID clipedEdges handLeftConfidence handLeftState
                           handRightConfidence handRightState isResticted leanX leanY
                           trackingState
                num_joints (25)
                25 lines of 12 values  x y z depthX depthY colorX colorY
                                       orientationW orientationX orientationY
                                       orientationZ trackingState

Body handling (documented thresholds, after the usual NTU denoising idea):

* bodies are tracked across frames by ``bodyID``; a track is ``(T, 25, 3)`` with zeros
  in frames where that ID is absent.
* spurious tracks are dropped, only when a sample has more than one track:
  a track with <= ``MAX_NOISE_FRAMES`` (10) valid frames, or whose frames are mostly
  "wider than tall" (more than ``MAX_WIDE_FRACTION`` (0.7) of its valid frames have
  x-spread > ``WIDE_RATIO`` (0.8) x y-spread, spreads = max - min over the 25 joints).
  If that would drop every track, the track with the most valid frames is kept.
* the remaining tracks are sorted by motion energy (sum over x, y, z of the std of that
  coordinate over all joints of the track's non-empty frames, docs/method_cmd.md) and placed
  greedily into at most 2 actors: a track joins the first actor whose frames it does not
  overlap (an ID switch of one person is merged back), else starts a new actor if fewer
  than 2 exist, else is dropped.
* frames where no selected actor is present are dropped (counted in the summary notes).
"""
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ...skeleton.pre_normalize import normalization_record
from .common import (BadFileError, ConversionSummary, ConvertedSample, LineReader,
                     PathLike, SkipSample, checked_keypoint, convert_items, drop_empty_frames,
                     iter_files, make_annotation, read_name_list, write_pose_dataset)

LAYOUT = 'nturgb+d'
NUM_JOINTS = 25
MAX_ACTORS = 2
MAX_NOISE_FRAMES = 10
WIDE_RATIO = 0.8
MAX_WIDE_FRACTION = 0.7
IMG_SHAPE = (1080, 1920)

NAME_PATTERN = re.compile(r'^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$')

NTU60_XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
NTU120_XSUB_TRAIN = NTU60_XSUB_TRAIN + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85,
    86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
NTU60_XVIEW_TRAIN_CAMERAS = (2, 3)

BENCHMARKS = {
    # benchmark: (max setup, max action, protocols)
    'ntu60': (17, 60, ('xsub', 'xview')),
    'ntu120': (32, 120, ('xsub', 'xset')),
}


def parse_name(name: str) -> Dict[str, int]:
    """``S001C002P003R002A013`` -> dict(setup=1, camera=2, performer=3, replication=2,
    action=13) (all 1-based)."""
    match = NAME_PATTERN.match(name)
    if match is None:
        raise ValueError(f'{name!r} is not an NTU sample name like S001C002P003R002A013')
    keys = ('setup', 'camera', 'performer', 'replication', 'action')
    return dict(zip(keys, (int(g) for g in match.groups())))


def split_names(benchmark: str) -> Tuple[str, ...]:
    protocols = BENCHMARKS[benchmark][2]
    return tuple(f'{p}_{part}' for p in protocols for part in ('train', 'val'))


def assign_splits(info: Dict[str, int], benchmark: str) -> Tuple[str, ...]:
    """Split names (one per protocol) of a parsed sample name, docs/method_cmd.md."""
    if benchmark == 'ntu60':
        xsub = info['performer'] in NTU60_XSUB_TRAIN
        xview = info['camera'] in NTU60_XVIEW_TRAIN_CAMERAS
        return ('xsub_train' if xsub else 'xsub_val', 'xview_train' if xview else 'xview_val')
    if benchmark == 'ntu120':
        xsub = info['performer'] in NTU120_XSUB_TRAIN
        xset = info['setup'] % 2 == 0
        return ('xsub_train' if xsub else 'xsub_val', 'xset_train' if xset else 'xset_val')
    raise ValueError(f'unknown benchmark {benchmark!r}; choose from {sorted(BENCHMARKS)}')


def read_skeleton_file(path: PathLike) -> Dict[str, np.ndarray]:
    """Parse a ``.skeleton`` file into body tracks.

    Returns:
        dict bodyID (str) -> float64 ``(T, 25, 3)`` xyz as parsed, zero where the body is absent,
        in order of first appearance. T is the declared frame count.

    Raises:
        BadFileError naming the file and line for truncated / garbled content.
    """
    reader = LineReader(path)
    num_frames = reader.next_int('the number of frames')
    if num_frames < 0:
        raise reader.error(f'negative frame count {num_frames}', line=1)
    # frames are collected per body and stacked only once the whole file parsed, so a
    # garbled frame count cannot trigger a huge allocation
    observed: Dict[str, Dict[int, np.ndarray]] = {}
    for t in range(num_frames):
        num_bodies = reader.next_int(f'the number of bodies of frame {t + 1}')
        if num_bodies < 0:
            raise reader.error(f'negative body count {num_bodies}', line=reader.pos)
        for b in range(num_bodies):
            what = f'body {b + 1} of frame {t + 1}'
            info_line = reader.next_line(f'the info line of {what}')
            tokens = info_line.split()
            if len(tokens) != 10:
                raise reader.error(f'expected 10 values in the info line of {what}, '
                                   f'got {len(tokens)}', line=reader.pos)
            body_id = tokens[0]
            if not body_id.isdigit():
                raise reader.error(f'bodyID of {what} is not an integer: {body_id[:30]!r}',
                                   line=reader.pos)
            num_joints = reader.next_int(f'the joint count of {what}')
            if num_joints != NUM_JOINTS:
                raise reader.error(f'{what} has {num_joints} joints, expected {NUM_JOINTS}',
                                   line=reader.pos)
            joints = reader.next_block(NUM_JOINTS, 12, f'joints of {what}')
            observed.setdefault(body_id, {})[t] = joints[:, :3]
    reader.check_at_end()
    tracks: Dict[str, np.ndarray] = {}
    for body_id, frames in observed.items():
        track = np.zeros((num_frames, NUM_JOINTS, 3))
        for t, joints in frames.items():
            track[t] = joints
        tracks[body_id] = track
    return tracks


def motion_energy(track: np.ndarray) -> float:
    """Sum over x, y, z of the std over all joints of the non-empty frames; 0 if none."""
    valid = (track != 0).any(axis=(1, 2))
    if not valid.any():
        return 0.0
    frames = track[valid].astype(np.float64)
    return float(sum(frames[..., c].std() for c in range(3)))


def is_spurious(track: np.ndarray) -> bool:
    """Too short, or mostly wider than tall (not a standing / moving person)."""
    valid = (track != 0).any(axis=(1, 2))
    if valid.sum() <= MAX_NOISE_FRAMES:
        return True
    frames = track[valid]
    x_spread = frames[..., 0].max(axis=1) - frames[..., 0].min(axis=1)
    y_spread = frames[..., 1].max(axis=1) - frames[..., 1].min(axis=1)
    wide = x_spread > WIDE_RATIO * y_spread
    return bool(wide.mean() > MAX_WIDE_FRACTION)


def select_actors(tracks: Sequence[np.ndarray], max_actors: int = MAX_ACTORS
                  ) -> Tuple[np.ndarray, int]:
    """Filter spurious tracks and merge/select at most ``max_actors`` actors.

    Returns:
        (actors ``(M, T, 25, 3)`` (the tracks' dtype) with 1 <= M <= max_actors, number of tracks dropped
        as spurious). Raises SkipSample when no track has any data.
    """
    tracks = [t for t in tracks if (t != 0).any()]
    if not tracks:
        raise SkipSample('no skeleton data', 'every body is empty')
    kept = tracks
    if len(tracks) > 1:
        kept = [t for t in tracks if not is_spurious(t)]
        if not kept:
            kept = [max(tracks, key=lambda t: int((t != 0).any(axis=(1, 2)).sum()))]
    num_spurious = len(tracks) - len(kept)
    order = sorted(range(len(kept)), key=lambda i: -motion_energy(kept[i]))  # stable
    actors: List[np.ndarray] = []
    occupied: List[np.ndarray] = []
    for i in order:
        track = kept[i]
        present = (track != 0).any(axis=(1, 2))
        for actor, frames in zip(actors, occupied):
            if not (frames & present).any():
                actor[present] = track[present]
                frames |= present
                break
        else:
            if len(actors) < max_actors:
                actors.append(track.copy())
                occupied.append(present.copy())
    return np.stack(actors), num_spurious


class NTUConverter:
    """Convert NTU RGB+D ``.skeleton`` files to a PoseDataset pickle.

    Args:
        benchmark: 'ntu60' (splits xsub_*, xview_*) or 'ntu120' (xsub_*, xset_*).
        missing_names: sample names to skip (the official missing-skeleton list).
        normalize: apply CMD's pre-normalisation (docs/preprocessing.md) to each sample
            and record it in the pickle (``pre_normalized``).
        strict: raise on the first malformed file instead of skipping it.
        progress: show an mmengine ProgressBar.
    """

    def __init__(self, benchmark: str = 'ntu60', missing_names: Iterable[str] = (),
                 normalize: bool = False, strict: bool = False, progress: bool = True):
        if benchmark not in BENCHMARKS:
            raise ValueError(f'unknown benchmark {benchmark!r}; choose from {sorted(BENCHMARKS)}')
        self.benchmark = benchmark
        self.missing = set(missing_names)
        self.normalize = normalize
        self.strict = strict
        self.progress = progress
        self.summary = ConversionSummary()

    def convert_file(self, path: Path):
        name = path.name[:-len('.skeleton')]
        if name in self.missing:
            raise SkipSample('in missing-skeleton list')
        try:
            info = parse_name(name)
        except ValueError as err:
            raise BadFileError(path, None, str(err), reason='bad file name') from None
        max_setup, max_action, _ = BENCHMARKS[self.benchmark]
        if info['setup'] > max_setup or info['action'] > max_action:
            raise SkipSample(f'not part of {self.benchmark}')
        tracks = read_skeleton_file(path)
        actors, num_spurious = select_actors(list(tracks.values()))
        if num_spurious:
            self.summary.add_note('spurious bodies dropped', num_spurious)
        keypoint, num_empty = drop_empty_frames(actors)
        if num_empty:
            self.summary.add_note('empty frames dropped', num_empty)
            self.summary.add_note('samples with empty frames dropped')
        keypoint = checked_keypoint(keypoint, path, LAYOUT if self.normalize else None)
        ann = make_annotation(name, info['action'] - 1, keypoint, img_shape=IMG_SHAPE)
        yield ConvertedSample(ann, assign_splits(info, self.benchmark))

    def convert(self, data_dirs: Sequence[PathLike], out: PathLike,
                names: Optional[Iterable[str]] = None) -> ConversionSummary:
        """Convert every ``*.skeleton`` in ``data_dirs`` (or only ``names``) into ``out``."""
        files = list(iter_files(data_dirs, '.skeleton'))
        if names is not None:
            wanted = set(names)
            files = [f for f in files if f.name[:-len('.skeleton')] in wanted]
        samples = convert_items(files, self.convert_file, lambda p: p.name[:-len('.skeleton')],
                                self.summary, strict=self.strict, progress=self.progress)
        write_pose_dataset(samples, split_names(self.benchmark), out, self.summary,
                           normalization_record('cmd', LAYOUT) if self.normalize else None)
        return self.summary


def convert_ntu(data_dirs: Sequence[PathLike], out: PathLike, benchmark: str = 'ntu60',
                missing_list: Optional[PathLike] = None, normalize: bool = False,
                strict: bool = False, progress: bool = True) -> ConversionSummary:
    """Functional front end of :class:`NTUConverter`.

    ``missing_list`` is a one-name-per-line file of samples to skip.
    """
    missing = read_name_list(missing_list, '.skeleton') if missing_list else ()
    converter = NTUConverter(benchmark, missing, normalize=normalize, strict=strict,
                             progress=progress)
    return converter.convert(data_dirs, out)
