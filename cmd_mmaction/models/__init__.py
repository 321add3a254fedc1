"""Models. Importing registers backbones, necks, losses, heads and selfsup models."""
from . import backbones, heads, losses, necks, recognizers, selfsup, utils  # noqa: F401
