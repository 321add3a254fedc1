"""Send a process's output to a log file while a demo talks to the terminal."""
import contextlib
import os
import sys
from typing import Iterator, TextIO


@contextlib.contextmanager
def redirect_output(log_path: str) -> Iterator[TextIO]:
    """Point file descriptors 1 and 2 at ``log_path`` (appended) for the block and
    yield a text stream to the original stdout.

    Redirecting the descriptors, not ``sys.stdout``, also catches what mmengine's
    loggers (whose handlers hold the stream objects they were made with), warnings,
    C extensions and forked data workers write. On the way out, also when the block
    raises, the descriptors are restored first, so a traceback reaches the terminal.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = [os.dup(1), os.dup(2)]
    terminal = os.fdopen(os.dup(1), 'w', buffering=1)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
    finally:
        os.close(log_fd)
    try:
        yield terminal
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        terminal.close()
