"""Submodules are imported here so that importing the package registers them."""
from . import cli, common, msr_action3d, ntu, nw_ucla, pku_mmd, preprocessed  # noqa: F401
from .common import BadFileError, ConversionSummary, SkipSample  # noqa: F401
