"""Datasets, converters and transforms. Importing registers them."""
from . import transforms  # noqa: F401
from . import converters  # noqa: F401
from .pose_dataset import SkeletonPoseDataset  # noqa: F401
from .knn_dataset import KNNBankDataset  # noqa: F401
