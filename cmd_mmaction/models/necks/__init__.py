"""Submodules are imported here so that importing the package registers them."""
from .projection import ProjectionNeck  # noqa: F401
from .skeleton_pool import SkeletonGlobalPool  # noqa: F401
