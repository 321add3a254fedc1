"""Crash-safe checkpoints: atomic local writes and a resume point that loads.

mmengine writes a checkpoint with ``LocalBackend.put`` (``open(path, 'wb')``)
and the ``last_checkpoint`` pointer with ``LocalBackend.put_text``, so a
process killed mid-write leaves a truncated ``epoch_N.pth`` under its final
name, and ``--resume`` then dies on it. :class:`AtomicLocalBackend` replaces
mmengine's local backend (registered once, at import, for paths without a
scheme): every local ``put`` / ``put_text`` writes a temp file in the same
directory, fsyncs it and ``os.replace``-s it over the final name, so a reader
sees the old file or the complete new one, never a prefix.

:func:`find_resumable_checkpoint` picks what ``--resume`` (auto) loads: the
file ``last_checkpoint`` names if it is a complete checkpoint, otherwise the
newest complete ``epoch_*.pth`` / ``iter_*.pth`` in the work dir (a checkpoint
damaged outside our control, or a pointer to a file mmengine removed with
``max_keep_ckpts`` before the new save finished). Completeness is checked
without unpickling: torch checkpoints are zip archives, and a truncated or
corrupted one fails the zip CRC test.

Auto-resume loads a file nobody named on the command line, with full
unpickling (mmengine checkpoints need it), so it only considers files whose
*real* path lies inside the real work dir: a ``last_checkpoint`` naming a
file elsewhere, or an ``epoch_N.pth`` symlink leaving the work dir, raises
:class:`ResumeTrustError` naming it (``--resume PATH`` loads such a file if
the user trusts it).
"""
import os
import os.path as osp
import re
import zipfile
from pathlib import Path
from typing import List, Optional, Union

from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import print_log

from ..utils.atomic_io import write_bytes_atomic, write_text_atomic

POINTER = 'last_checkpoint'
_CKPT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


class AtomicLocalBackend(LocalBackend):
    """mmengine ``LocalBackend`` whose writes are atomic (see module doc)."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        write_bytes_atomic(filepath, obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        write_text_atomic(filepath, obj, encoding)


# Replace mmengine's backend for plain local paths ('' = no scheme prefix):
# CheckpointHook, Runner.save_checkpoint and the pointer file all go through it.
register_backend('local', AtomicLocalBackend, force=True, prefixes='')


def is_complete_checkpoint(path: Union[str, Path]) -> bool:
    """True if ``path`` is a readable torch zip checkpoint whose CRCs all match.

    Reads the file once, unpickles nothing. Legacy (non-zip) torch files are
    accepted when non-empty (they cannot be checked without unpickling).
    """
    path = os.fspath(path)
    if not osp.isfile(path) or osp.getsize(path) == 0:
        return False
    if not zipfile.is_zipfile(path):
        with open(path, 'rb') as f:
            return f.read(2) == b'\x80\x02'  # legacy torch.save: a pickle stream
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def _checkpoints_newest_first(work_dir: str) -> List[str]:
    found = []
    for name in os.listdir(work_dir):
        match = _CKPT_NAME.match(name)
        if match:
            path = osp.join(work_dir, name)
            found.append((osp.getmtime(path), int(match.group(2)), path))
    return [path for *_, path in sorted(found, reverse=True)]


class ResumeTrustError(RuntimeError):
    """Auto-resume found a checkpoint outside the work dir and refused it."""


def _inside(path: str, directory: str) -> bool:
    """True if the real path of ``path`` lies below the real ``directory``."""
    real, root = osp.realpath(path), osp.realpath(directory)
    return real.startswith(root.rstrip(os.sep) + os.sep)


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` (auto) should load, or None if there is none.

    The ``last_checkpoint`` target when complete, else the newest complete
    ``epoch_N.pth`` / ``iter_N.pth`` of ``work_dir`` (a warning names every
    file passed over).

    Raises:
        ResumeTrustError: a candidate that exists resolves (pointer or
            symlink) to a file outside ``work_dir``.
    """
    if not osp.isdir(work_dir):
        return None
    candidates = []  # (path, what led to it)
    pointer = osp.join(work_dir, POINTER)
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        if target:
            candidates.append((target, f'{pointer} names {target}'))
    candidates += [(p, p) for p in _checkpoints_newest_first(work_dir)
                   if p not in (c for c, _ in candidates)]
    for path, source in candidates:
        if osp.exists(path) and not _inside(path, work_dir):
            raise ResumeTrustError(
                f'resume: {source}, which is {osp.realpath(path)}: outside the work dir '
                f'{osp.realpath(work_dir)}. --resume without a path only loads checkpoints '
                'inside the work dir (it fully unpickles them, which can run code); if you '
                f'trust that file, pass it explicitly: --resume {osp.realpath(path)}')
        if is_complete_checkpoint(path):
            return path
        print_log(f'resume: skipping {path}: missing, truncated or corrupt checkpoint',
                  logger='current', level=30)
    return None


def select_resume_checkpoint(cfg) -> None:
    """For ``--resume`` without a path: resume from the last *complete* checkpoint.

    Sets ``cfg.load_from`` to :func:`find_resumable_checkpoint` (mmengine would
    follow ``last_checkpoint`` blindly); with none found, training starts from
    scratch as mmengine does when a work dir has no checkpoint.
    """
    path = find_resumable_checkpoint(cfg.work_dir)
    if path is None:
        print_log(f'resume: no complete checkpoint in {cfg.work_dir}; training from scratch',
                  logger='current', level=30)
        cfg.resume = False
        cfg.load_from = None
    else:
        cfg.resume = True
        cfg.load_from = path
