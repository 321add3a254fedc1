"""Submodules are imported here so that importing the package registers them."""
from .cmd import CMD  # noqa: F401
