"""mmaction2's PoseDataset with safe unpickling, validation and labelled subsets."""
import os.path as osp
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine import fileio
from mmengine.logging import MMLogger

from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS
from ..skeleton.pre_normalize import normalization_record
from ..utils.safe_pickle import safe_load, safe_loads
from .subset import per_class_subset


def _safe_read(path: str):
    """Safely unpickle a local file (streamed) or any mmengine file backend path."""
    if isinstance(fileio.get_file_backend(path), fileio.LocalBackend):
        return safe_load(path)  # FileNotFoundError names the path
    if not fileio.exists(path):
        raise FileNotFoundError(f'annotation file not found: {path}')
    return safe_loads(fileio.get(path), source=path)


@DATASETS.register_module()
class SkeletonPoseDataset(PoseDataset):
    """Skeleton dataset read from a PoseDataset pickle, checked sample by sample.

    Same file format and behaviour as mmaction2's ``PoseDataset`` (``split``,
    ``valid_ratio`` / ``box_thr`` for 2D Kinetics-style data, ``data_prefix``
    ``video`` / ``skeleton``), plus:

    * the pickle is read with :func:`safe_loads` (builtin containers and numpy
      arrays only), so a crafted file cannot run code;
    * every selected sample is validated when the dataset is built; each error
      (``ValueError``) names the file, the sample and the problem:
      ``keypoint`` must be a finite, floating, 4-D ``(M, T, V, C)`` array with
      ``M, T, V >= 1``, ``C`` in (2, 3), ``V == num_joints`` when given and
      ``total_frames == T`` (filled in when absent); ``label`` an int
      (``multi_class``: a list of ints) in ``[0, num_classes)`` when
      ``num_classes`` is given, non-negative otherwise; sample names unique;
      ``split`` one of the file's splits (the error lists them);
    * ``label_fraction``: keep a seeded per-class fraction of the samples
      (semi-supervised protocols), see :func:`per_class_subset`;
    * a top-level ``pre_normalized = dict(method, layout)`` (written by the
      converters' ``--normalize``) is copied into every sample, so that the
      pipeline's ``CMDPreNormalize`` / ``IKEMPreNormalize`` do not normalise
      twice (docs/preprocessing.md).

    Without ``split`` a file with ``split`` / ``annotations`` yields all
    annotations (mmaction2 would return the raw dict).

    Loaded sample keys: ``frame_dir`` (or ``filename``), ``label``,
    ``total_frames`` T, ``keypoint`` float (M, T, V, C), optional
    ``keypoint_score`` (M, T, V), ``img_shape`` ...; ``modality='Pose'`` and
    ``start_index`` are added by ``get_data_info``.

    Args:
        ann_file (str): the ``.pkl`` annotation file.
        pipeline (list[dict | callable]): transforms.
        split (str, optional): name of the subset in the file's ``split`` dict,
            e.g. ``'xsub_train'``. None: every sample.
        valid_ratio (float, optional): as in ``PoseDataset``.
        box_thr (float): as in ``PoseDataset``.
        num_joints (int, optional): required V. None: not checked.
        label_fraction (float, optional): fraction in (0, 1] of each class to
            keep (at least one per class). None: keep all.
        subset_seed (int): seed of the labelled subset.
        **kwargs: ``BaseActionDataset`` arguments (``num_classes``,
            ``test_mode``, ``multi_class``, ``data_prefix`` ...).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 valid_ratio: Optional[float] = None,
                 box_thr: float = 0.5,
                 num_joints: Optional[int] = None,
                 label_fraction: Optional[float] = None,
                 subset_seed: int = 0,
                 **kwargs) -> None:
        if label_fraction is not None and not (
                isinstance(label_fraction, (int, float)) and not isinstance(label_fraction, bool)
                and 0 < label_fraction <= 1):
            raise ValueError(f'label_fraction must be in (0, 1] or None, got {label_fraction!r}')
        if num_joints is not None and (not isinstance(num_joints, int) or num_joints < 1):
            raise ValueError(f'num_joints must be a positive int or None, got {num_joints!r}')
        self.num_joints = num_joints
        self.label_fraction = label_fraction
        self.subset_seed = subset_seed
        super().__init__(ann_file, pipeline=pipeline, split=split, valid_ratio=valid_ratio,
                         box_thr=box_thr, **kwargs)

    # ----------------------------------------------------------------- loading
    def load_data_list(self) -> List[Dict]:
        """Safely load, select the split and validate the annotations."""
        path = self.ann_file
        if not str(path).endswith('.pkl'):
            raise ValueError(f'{path}: the annotation file must be a .pkl (PoseDataset '
                             'pickle)')
        annotations, splits, pre_normalized = self._unpack(_safe_read(path))
        names = [self._sample_name(ann, i) for i, ann in enumerate(annotations)]
        duplicates = [n for n, c in Counter(names).items() if c > 1]
        if duplicates:
            raise ValueError(f'{path}: duplicate sample names {duplicates[:5]}'
                             f'{" ..." if len(duplicates) > 5 else ""} '
                             f'({len(duplicates)} in all); names must be unique')

        if self.split is not None:
            if splits is None:
                raise ValueError(f'{path}: split {self.split!r} was requested but the file '
                                 'has no "split" dict')
            if self.split not in splits:
                raise ValueError(f'{path}: unknown split {self.split!r}; available splits: '
                                 f'{sorted(splits)}')
            wanted = set(splits[self.split])
            missing = len(wanted - set(names))
            if missing:
                MMLogger.get_current_instance().warning(
                    f'{path}: {missing} names of split {self.split!r} have no annotation')
            selected = [ann for ann, name in zip(annotations, names) if name in wanted]
        else:
            selected = list(annotations)

        data_list = []
        for ann in selected:
            ann = dict(ann)  # never mutate the loaded object
            # with data_prefix['skeleton'] the keypoints arrive in get_data_info
            self._validate_sample(ann, path, need_keypoint='skeleton' not in self.data_prefix)
            if pre_normalized is not None:
                ann['pre_normalized'] = pre_normalized
            data_list.append(ann)

        if 'video' in self.data_prefix:  # mmaction2 PoseDataset behaviour
            for item in data_list:
                for key in ('filename', 'frame_dir'):
                    if key in item:
                        item[key] = osp.join(self.data_prefix['video'], item[key])
        return data_list

    def _unpack(self, raw) -> Tuple[Sequence[Dict], Optional[Dict], Optional[Dict]]:
        """-> (annotations, split dict or None, pre_normalized record or None)."""
        path = self.ann_file
        pre_normalized = None
        if isinstance(raw, dict) and 'annotations' in raw:
            annotations, splits = raw['annotations'], raw.get('split')
            pre_normalized = self._pre_normalized(raw.get('pre_normalized'))
        elif isinstance(raw, (list, tuple)):
            annotations, splits = raw, None
        else:
            raise ValueError(f'{path}: expected a dict with "annotations" (and "split") or a '
                             f'list of samples, got {type(raw).__name__}'
                             + (f' with keys {sorted(raw)[:10]}' if isinstance(raw, dict) else ''))
        if not isinstance(annotations, (list, tuple)):
            raise ValueError(f'{path}: "annotations" must be a list, got '
                             f'{type(annotations).__name__}')
        if splits is not None and not isinstance(splits, dict):
            raise ValueError(f'{path}: "split" must be a dict of name lists, got '
                             f'{type(splits).__name__}')
        return annotations, splits, pre_normalized

    def _pre_normalized(self, record) -> Optional[Dict]:
        """The file's ``pre_normalized`` record, checked (None when absent)."""
        if record is None:
            return None
        try:
            if not isinstance(record, dict) or set(record) != {'method', 'layout'}:
                raise ValueError('expected dict(method=..., layout=...)')
            return normalization_record(record['method'], record['layout'])
        except (ValueError, TypeError) as err:
            raise ValueError(f'{self.ann_file}: bad "pre_normalized" field {record!r}: '
                             f'{err}') from None

    def _sample_name(self, ann, index: int) -> str:
        if not isinstance(ann, dict):
            raise ValueError(f'{self.ann_file}: sample #{index} is a {type(ann).__name__}, '
                             'not a dict')
        name = ann.get('filename', ann.get('frame_dir'))
        if name is None:
            raise ValueError(f'{self.ann_file}: sample #{index} has neither "frame_dir" nor '
                             '"filename"')
        return name

    # -------------------------------------------------------------- validation
    def _validate_sample(self, ann: Dict, source: str, need_keypoint: bool = True) -> None:
        """Raise ValueError naming ``source`` and the sample if ``ann`` is bad;
        fill ``total_frames`` from the keypoint when absent."""
        name = ann.get('filename', ann.get('frame_dir'))

        def fail(problem: str):
            raise ValueError(f'{source}: sample {name!r}: {problem}')

        self._validate_label(ann, fail)
        if not need_keypoint and 'keypoint' not in ann:
            return
        kp = ann.get('keypoint')
        if kp is None:
            fail('no "keypoint" array')
        if not isinstance(kp, np.ndarray):
            fail(f'keypoint must be a numpy array, got {type(kp).__name__}')
        if kp.ndim != 4:
            fail(f'keypoint must be 4-D (M, T, V, C), got shape {kp.shape}')
        M, T, V, C = kp.shape
        if not np.issubdtype(kp.dtype, np.floating):
            fail(f'keypoint must be a float array, got dtype {kp.dtype}')
        if T < 1:
            fail(f'empty sequence: keypoint has T = 0 frames (shape {kp.shape})')
        if M < 1 or V < 1:
            fail(f'keypoint has no persons or no joints (shape {kp.shape})')
        if C not in (2, 3):
            fail(f'keypoint must have C = 2 or 3 coordinates, got shape {kp.shape}')
        if self.num_joints is not None and V != self.num_joints:
            fail(f'keypoint has V = {V} joints, expected num_joints = {self.num_joints}')
        finite = np.isfinite(kp)
        if not finite.all():
            m, t, v, _ = np.argwhere(~finite)[0]
            fail(f'keypoint has {(~finite).sum()} NaN/Inf values (first at person {m}, '
                 f'frame {t}, joint {v})')
        score = ann.get('keypoint_score')
        if score is not None and np.shape(score) != (M, T, V):
            fail(f'keypoint_score shape {np.shape(score)} does not match keypoint (M, T, V) = '
                 f'{(M, T, V)}')
        total = ann.setdefault('total_frames', T)
        if total != T:
            fail(f'total_frames = {total} but keypoint has T = {T} frames')

    def _validate_label(self, ann: Dict, fail: Callable) -> None:
        if 'label' not in ann:
            if self.num_classes is not None or self.label_fraction is not None:
                fail('no "label"')
            return
        label = ann['label']
        labels = label if self.multi_class else [label]
        if self.multi_class and not isinstance(labels, (list, tuple, np.ndarray)):
            fail(f'multi_class label must be a list of ints, got {type(label).__name__}')
        for value in labels:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                fail(f'label must be an int, got {value!r} ({type(value).__name__})')
            if value < 0 or (self.num_classes is not None and value >= self.num_classes):
                limit = '' if self.num_classes is None else f', {self.num_classes}'
                fail(f'label {int(value)} out of range [0{limit})')

    # ------------------------------------------------------------ subsets, info
    def filter_data(self) -> List[Dict]:
        """PoseDataset filtering, then the labelled subset (``label_fraction``)."""
        data_list = super().filter_data()
        if self.label_fraction is None:
            return data_list
        if self.multi_class:
            raise ValueError(f'{self.ann_file}: label_fraction needs single-label samples '
                             '(multi_class=True)')
        keep = per_class_subset([int(d['label']) for d in data_list], self.label_fraction,
                                self.subset_seed)
        MMLogger.get_current_instance().info(
            f'{self.ann_file} [{self.split}]: kept {len(keep)} of {len(data_list)} samples '
            f'(label_fraction={self.label_fraction}, subset_seed={self.subset_seed})')
        return [data_list[i] for i in keep]

    def get_data_info(self, idx: int) -> Dict:
        """Annotation ``idx``; with ``data_prefix['skeleton']`` the per-sample
        pickle is read safely and validated (mmaction2 would ``pickle.load`` it)."""
        data_info = super(PoseDataset, self).get_data_info(idx)
        if 'skeleton' in self.data_prefix:
            name = data_info['filename' if 'filename' in data_info else 'frame_dir']
            ske_path = osp.join(self.data_prefix['skeleton'], name + '.pkl')
            skeleton = _safe_read(ske_path)
            if not isinstance(skeleton, dict):
                raise ValueError(f'{ske_path}: expected a dict of sample fields, got '
                                 f'{type(skeleton).__name__}')
            data_info.update(skeleton)
            self._validate_sample(data_info, ske_path)
        return data_info
