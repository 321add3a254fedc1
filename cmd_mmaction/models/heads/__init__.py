"""Heads: classifiers and loss-returning modules. Importing registers them."""
from .ikem_module import IKEMModule  # noqa: F401
from .linear_head import LinearClsHead  # noqa: F401
