"""Downstream recognizers. Importing registers them."""
from .skeleton_recognizer import SkeletonRecognizer  # noqa: F401
from .multi_stream import MultiStreamRecognizer, merge_stream_checkpoints  # noqa: F401
