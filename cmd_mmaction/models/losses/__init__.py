"""Submodules are imported here so that importing the package registers them."""
from .cmd_loss import CMDLoss  # noqa: F401
from .infonce import InfoNCELoss  # noqa: F401
from .cross_modal_nce import MultiPositiveNCELoss  # noqa: F401
from .relational_kd import RelationalKDLoss  # noqa: F401
