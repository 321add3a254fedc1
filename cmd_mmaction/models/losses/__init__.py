"""Submodules are imported here so that importing the package registers them."""
from .cmd_loss import CMDLoss  # noqa: F401
from .infonce import InfoNCELoss  # noqa: F401
