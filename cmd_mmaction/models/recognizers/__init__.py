"""Downstream recognizers. Importing registers them."""
from .frozen_recognizer import FrozenRecognizerGCN  # noqa: F401
