"""Submodules are imported here so that importing the package registers them."""
from .fusion import fuse_scores, topk_accuracy  # noqa: F401
from .knn_metric import KNNMetric  # noqa: F401
