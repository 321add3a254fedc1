"""Datasets and transforms; importing registers them. The offline converters
(``cmd_mmaction.datasets.converters``) are imported by the tools that run them, not
by training."""
from . import transforms  # noqa: F401
from .pose_dataset import SkeletonPoseDataset  # noqa: F401
from .knn_dataset import KNNBankDataset  # noqa: F401
