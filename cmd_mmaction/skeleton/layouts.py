"""Skeleton layouts: joint count, bones, centre joint, left/right pairs and the
joints the pre-normalisations read.

One table serves the modality functions (bone, rotation axis, angular
velocity), the pre-normalisations (:mod:`cmd_mmaction.skeleton.pre_normalize`),
mmaction2's ST-GCN graph and the converters. Indices are 0-based.

``bones`` lists one ``(child, parent)`` pair per joint, in joint order, so
``bone[v] = x[v] - x[parent(v)]``; the centre joint is paired with itself and
its bone is zero. ``axis_pairs`` lists ``(i, j)`` for the rotation axis
``b_i × b_j`` (IKEM); by default it equals ``bones``.

Add your own layout (e.g. for a new sensor) with :func:`register_layout`; the
ST-GCN graph of mmaction2 knows 'openpose', 'nturgb+d' and 'coco' by name and
any other skeleton as a dict, which :func:`stgcn_graph_layout` derives from a
registered layout: ``graph_cfg=dict(layout=stgcn_graph_layout('msr20'),
mode='stgcn_spatial')`` (configs write the dict out; a test keeps them equal).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

Pairs = Tuple[Tuple[int, int], ...]


@dataclass(frozen=True)
class NormJoints:
    """The joints the CMD and IKEM pre-normalisations read (0-based).

    CMD centres every frame on ``spine`` of body 0 and turns ``hip -> spine``
    to +z and ``right_shoulder - left_shoulder`` to +x; IKEM centres each body
    on its ``neck``, counts the frames in which body 0's ``hip`` is present and
    turns each frame's shoulder line to the x axis. NTU numbers (1-based):
    hip #1, spine #2, neck #21 (spine at the shoulders), shoulders #9 / #5.
    """
    hip: int
    spine: int
    neck: int
    right_shoulder: int
    left_shoulder: int


@dataclass(frozen=True)
class SkeletonLayout:
    """A skeleton layout; see the module docstring for the conventions."""
    name: str
    num_joints: int
    center: int
    bones: Pairs
    symmetric: Pairs = ()
    axis_pairs: Optional[Pairs] = None
    torso_normal: Optional[Tuple[int, int, int]] = None  # IKEM: bone[center] := unit normal
    norm: Optional[NormJoints] = None  # None: no 3D pre-normalisation (2D layouts)
    extra: Dict = field(default_factory=dict)

    def __post_init__(self):
        children = [c for c, _ in self.bones]
        if sorted(children) != list(range(self.num_joints)):
            raise ValueError(f'layout {self.name!r}: bones must list every joint once as child')
        if self.norm is not None:
            outside = [j for j in vars(self.norm).values() if not 0 <= j < self.num_joints]
            if outside:
                raise ValueError(f'layout {self.name!r}: normalisation joints {outside} are '
                                 f'not among its {self.num_joints} joints')

    def norm_joints(self) -> NormJoints:
        """The normalisation joints; ValueError when the layout defines none."""
        if self.norm is None:
            raise ValueError(f'layout {self.name!r} defines no normalisation joints (hip, '
                             'spine, neck, shoulders): register it with '
                             'norm=NormJoints(...) to pre-normalise its 3D skeletons')
        return self.norm
        if self.axis_pairs is None:
            object.__setattr__(self, 'axis_pairs', self.bones)

    @property
    def parents(self) -> List[int]:
        parents = [0] * self.num_joints
        for child, parent in self.bones:
            parents[child] = parent
        return parents

    @property
    def axis_partners(self) -> List[int]:
        partners = [0] * self.num_joints
        for i, j in self.axis_pairs:
            partners[i] = j
        return partners


def _from_one_based(pairs: Sequence[Tuple[int, int]]) -> Pairs:
    return tuple((a - 1, b - 1) for a, b in pairs)


# CMD / ST-GCN NTU list (docs/method_cmd.md, Modalities), 1-based (child, parent)
_NTU_CMD = _from_one_based([
    (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9),
    (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
    (20, 19), (21, 21), (22, 23), (23, 8), (24, 25), (25, 12)])
# IKEM 6-view: hand tips and thumbs both attached to the hand
_NTU_IKEM = tuple((c, p) if c not in (21, 22, 23, 24) else (c, {21: 7, 22: 7, 23: 11, 24: 11}[c])
                  for c, p in _NTU_CMD)
_NTU_AXIS = _from_one_based([
    (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9),
    (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
    (20, 19), (21, 21), (22, 8), (23, 22), (24, 12), (25, 24)])
_NTU_SYM = ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19),
            (21, 23), (22, 24))


def _with_root(num_joints: int, root: int, inward: Sequence[Tuple[int, int]]) -> Pairs:
    bones = dict(inward)
    bones[root] = root
    return tuple(sorted(bones.items()))


_LAYOUTS: Dict[str, SkeletonLayout] = {}


def register_layout(layout: SkeletonLayout, force: bool = False) -> SkeletonLayout:
    """Make ``layout`` available by name to transforms, modalities and models."""
    if layout.name in _LAYOUTS and not force:
        raise ValueError(f'layout {layout.name!r} is already registered (use force=True)')
    _LAYOUTS[layout.name] = layout
    return layout


def get_layout(name) -> SkeletonLayout:
    """Look a layout up by name (or pass a :class:`SkeletonLayout` through)."""
    if isinstance(name, SkeletonLayout):
        return name
    if name not in _LAYOUTS:
        raise ValueError(f'unknown skeleton layout {name!r}; known layouts: {sorted(_LAYOUTS)}')
    return _LAYOUTS[name]


def stgcn_graph_layout(name) -> Dict:
    """mmaction2 ``Graph`` layout dict of a registered layout.

    ``{'num_node': V, 'inward': [(child, parent), ...], 'center': c}``: every
    bone except the root's self-pair, pointing towards the centre joint, as
    mmaction2's own inward lists do.
    """
    layout = get_layout(name)
    return dict(num_node=layout.num_joints, center=layout.center,
                inward=[(c, p) for c, p in layout.bones if c != p])


_NTU_NORM = NormJoints(hip=0, spine=1, neck=20, right_shoulder=8, left_shoulder=4)
register_layout(SkeletonLayout('nturgb+d', 25, 20, _NTU_CMD, _NTU_SYM, _NTU_AXIS,
                               norm=_NTU_NORM))
register_layout(SkeletonLayout('nturgb+d-ikem6', 25, 20, _NTU_IKEM, _NTU_SYM, _NTU_AXIS,
                               torso_normal=(1, 8, 4), norm=_NTU_NORM))
# coco / openpose (2D): mmaction2's Graph inward lists with the centre joint as root
register_layout(SkeletonLayout('coco', 17, 0, _with_root(17, 0, [
    (15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6), (9, 7), (7, 5), (10, 8),
    (8, 6), (5, 0), (6, 0), (1, 0), (3, 1), (2, 0), (4, 2)]),
    ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16))))
register_layout(SkeletonLayout('openpose', 18, 1, _with_root(18, 1, [
    (4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9), (9, 8), (11, 5), (8, 2),
    (5, 1), (2, 1), (0, 1), (15, 0), (14, 0), (17, 15), (16, 14)]),
    ((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13), (14, 15), (16, 17))))
# MSR Action3D / Kinect v1, 20 joints in the dataset's file order (../shared/data/README.md)
register_layout(SkeletonLayout('msr20', 20, 6, _with_root(20, 6, [
    (c - 1, p - 1) for p, c in [(7, 4), (4, 3), (3, 20), (3, 1), (3, 2), (1, 8), (2, 9),
                                (8, 10), (9, 11), (10, 12), (11, 13), (7, 5), (7, 6),
                                (5, 14), (6, 15), (14, 16), (15, 17), (16, 18), (17, 19)]]),
    ((0, 1), (4, 5), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16), (17, 18)),
    norm=NormJoints(hip=6, spine=3, neck=2, right_shoulder=1, left_shoulder=0)))
# Kinect v1 SDK order, 20 joints (Northwestern-UCLA and any dataset recorded with that
# SDK; not MSR Action3D's file order): 1 hip centre, 2 spine, 3 shoulder centre, 4 head,
# 5-8 left shoulder/elbow/wrist/hand, 9-12 right, 13-16 left hip/knee/ankle/foot, 17-20
# right (1-based); root hip centre
register_layout(SkeletonLayout('kinect-v1', 20, 0, _with_root(20, 0, [
    (c - 1, p - 1) for p, c in [(1, 2), (2, 3), (3, 4), (3, 5), (5, 6), (6, 7), (7, 8),
                                (3, 9), (9, 10), (10, 11), (11, 12), (1, 13), (13, 14),
                                (14, 15), (15, 16), (1, 17), (17, 18), (18, 19), (19, 20)]]),
    ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19)),
    norm=NormJoints(hip=0, spine=1, neck=2, right_shoulder=8, left_shoulder=4)))
