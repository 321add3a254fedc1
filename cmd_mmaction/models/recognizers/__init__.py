"""Downstream recognizers. Importing registers them."""
from .frozen_recognizer import FrozenRecognizerGCN  # noqa: F401
from .multi_stream import MultiStreamRecognizer, merge_stream_checkpoints  # noqa: F401
