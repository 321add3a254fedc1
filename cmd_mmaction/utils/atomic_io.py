"""Atomic file writes: the one way this project writes a file another step will read.

A temp file in the target's folder (``.<name>.<pid>.<hex>.tmp``, created with the usual
permissions) receives the content, is fsynced and renamed over the target, and the
folder is fsynced (where the OS allows), so a reader sees the old file or the complete
new one, never a prefix, even after a kill or a full disk. On any error the temp file
is removed and the target is left as it was. Used for checkpoints (mmengine's local
backend, ``cmd_mmaction/engine/atomic_checkpoint.py``), converted datasets, dumps,
results pages, plots and arrays.
"""
import os
import os.path as osp
import pickle
import uuid
from typing import BinaryIO, Callable, Union

PathLike = Union[str, 'os.PathLike[str]']

__all__ = ['atomic_write', 'write_bytes_atomic', 'write_text_atomic', 'pickle_dump_atomic',
           'torch_save_atomic']


def atomic_write(path: PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace ``path`` with what ``write(f)`` writes to a binary file ``f``."""
    path = os.fspath(path)
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = osp.join(directory, f'.{osp.basename(path)}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp')
    try:
        with open(tmp, 'xb') as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable (POSIX; not possible on every OS)
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: PathLike, data: bytes) -> None:
    atomic_write(path, lambda f: f.write(data))


def write_text_atomic(path: PathLike, text: str, encoding: str = 'utf-8') -> None:
    atomic_write(path, lambda f: f.write(text.encode(encoding)))


def pickle_dump_atomic(obj, path: PathLike) -> None:
    atomic_write(path, lambda f: pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL))


def torch_save_atomic(obj, path: PathLike) -> None:
    import torch
    atomic_write(path, lambda f: torch.save(obj, f))
