"""A restricted unpickler for annotation files (PoseDataset pickles).

``pickle.load`` runs whatever callable a file names, so loading a downloaded
annotation file with it is running downloaded code. Annotation pickles only
need builtin containers and scalars plus numpy arrays, dtypes and scalars, so
:func:`safe_load` resolves exactly those globals from a fixed table and refuses
every other one (``os.system``, ``builtins.getattr``, ``builtins.eval``,
arbitrary classes, ...) with a :class:`pickle.UnpicklingError` that names the
file and the global, before anything is called.

Pickles written by numpy 1.x name ``numpy.core.*``; numpy 2 moved those to
``numpy._core.*``; both spellings resolve to the same numpy 2 functions.
"""
import _compat_pickle
import builtins
import codecs
import collections
import io
import os
import pickle
from typing import Any, Callable, Dict, Tuple

import numpy as np
from numpy._core import multiarray as _multiarray
from numpy._core import numeric as _numeric

__all__ = ['SafeUnpickler', 'safe_load', 'safe_loads', 'load_restricted', 'ALLOWED_GLOBALS']

_LATIN1 = frozenset({'latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1'})


def _latin1_encode(text: str, encoding: str = 'latin1', errors: str = 'strict') -> bytes:
    """``_codecs.encode`` limited to latin-1.

    Protocol-2 pickles store ``bytes`` (and numpy buffers) as
    ``_codecs.encode(text, 'latin1')``; other codecs (``zlib``, ``base64`` ...)
    are never needed, so they are refused.
    """
    if not isinstance(text, str) or str(encoding).lower() not in _LATIN1:
        raise pickle.UnpicklingError(
            f'_codecs.encode is only allowed as encode(str, "latin1"), got encoding '
            f'{encoding!r}')
    return codecs.encode(text, 'latin1', errors)


def _allowed_globals() -> Dict[Tuple[str, str], Callable]:
    table: Dict[Tuple[str, str], Callable] = {}
    for name in ('dict', 'list', 'tuple', 'set', 'frozenset', 'bytes', 'bytearray',
                 'str', 'int', 'float', 'complex', 'bool', 'slice', 'range'):
        table[('builtins', name)] = getattr(builtins, name)
    table[('collections', 'OrderedDict')] = collections.OrderedDict
    table[('collections', 'defaultdict')] = collections.defaultdict
    table[('_codecs', 'encode')] = _latin1_encode
    table[('numpy', 'ndarray')] = np.ndarray
    table[('numpy', 'dtype')] = np.dtype
    for core in ('numpy._core', 'numpy.core'):
        table[(f'{core}.multiarray', '_reconstruct')] = _multiarray._reconstruct
        table[(f'{core}.multiarray', 'scalar')] = _multiarray.scalar
        table[(f'{core}.numeric', '_frombuffer')] = _numeric._frombuffer
    return table


#: (module, name) -> object; the only globals :class:`SafeUnpickler` resolves.
ALLOWED_GLOBALS = _allowed_globals()


class SafeUnpickler(pickle.Unpickler):
    """Unpickler whose ``find_class`` only resolves :data:`ALLOWED_GLOBALS`.

    Args:
        file: a binary file object.
        source (str): what to call the data in error messages (the file path).
        encoding (str): how to decode Python 2 ``str`` objects; ``'latin1'``
            for numpy arrays pickled by Python 2.
    """

    def __init__(self, file, source: str = '<bytes>', encoding: str = 'ASCII') -> None:
        super().__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        # protocol < 3 pickles spell Python-2 names (``__builtin__.set``); the mapped
        # name is only looked up in the table, so mapping unconditionally is safe
        key = _compat_pickle.NAME_MAPPING.get(key, key)
        key = (_compat_pickle.IMPORT_MAPPING.get(key[0], key[0]), key[1])
        try:
            return ALLOWED_GLOBALS[key]
        except KeyError:
            raise pickle.UnpicklingError(
                f'{self.source}: refusing to unpickle forbidden global '
                f"'{module}.{name}'; annotation pickles may only contain builtin "
                'containers/scalars and numpy arrays/dtypes/scalars. If you trust this '
                'file, convert it with plain pickle in a separate, trusted step.') from None

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError(
            f'{self.source}: persistent ids are not allowed in annotation pickles')


def load_restricted(unpickler: type, file, source: str, encoding: str = 'ASCII') -> Any:
    """Unpickle ``file`` with ``unpickler`` (:class:`SafeUnpickler` or a subclass).

    Every failure becomes a :class:`pickle.UnpicklingError` whose message starts
    with ``source``, including a file that declares an object too large to build
    (a crafted or corrupt length would otherwise end in a bare ``MemoryError``).
    """
    try:
        return unpickler(file, source=source, encoding=encoding).load()
    except pickle.UnpicklingError as err:
        if str(err).startswith(source):
            raise
        raise pickle.UnpicklingError(f'{source}: {err}') from err
    except (MemoryError, OverflowError) as err:
        raise pickle.UnpicklingError(
            f'{source}: an object in the file is too large to build ({type(err).__name__}'
            f'{": " + str(err) if str(err) else ""}); the file is corrupt or crafted, or '
            'needs more memory than this machine has') from None
    except (EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError) as err:
        raise pickle.UnpicklingError(
            f'{source}: not a valid annotation pickle ({type(err).__name__}: {err})'
        ) from err


def safe_loads(data: bytes, source: str = '<bytes>') -> Any:
    """Unpickle ``data`` allowing only :data:`ALLOWED_GLOBALS`.

    Raises:
        pickle.UnpicklingError: on a forbidden global or a corrupt stream; the
            message starts with ``source``.
    """
    return load_restricted(SafeUnpickler, io.BytesIO(data), source)


def safe_load(path: 'str | os.PathLike', encoding: str = 'ASCII') -> Any:
    """Load a pickle file allowing only :data:`ALLOWED_GLOBALS` (streamed, so a
    multi-GB annotation file is not held twice in memory).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        pickle.UnpicklingError: the file names a forbidden global (the message
            names the file and the global) or is not a valid pickle.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'annotation file not found: {path}')
    with open(path, 'rb') as f:
        return load_restricted(SafeUnpickler, f, path, encoding)
