"""Submodules are imported here so that importing the package registers them."""
from .linear_head import LinearClsHead  # noqa: F401
