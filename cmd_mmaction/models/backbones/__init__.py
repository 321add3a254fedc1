"""Submodules are imported here so that importing the package registers them."""
from .bigru import BiGRU  # noqa: F401
