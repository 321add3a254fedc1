"""Capture what ``print_log(..., logger='current')`` writes, in this process."""
import contextlib
import logging
import uuid

from mmengine.logging import MMLogger


@contextlib.contextmanager
def captured_log(level=logging.WARNING):
    """Yield the list of messages logged at ``level`` or above while inside.

    A fresh MMLogger instance becomes mmengine's current logger (the latest one
    created), so ``logger='current'`` messages reach its handler. A Runner built
    inside the block creates its own, later instance; messages after that are missed.
    """
    logger = MMLogger.get_instance(f'capture_{uuid.uuid4().hex[:12]}')
    messages = []
    handler = logging.Handler(level)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
