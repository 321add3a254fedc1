"""Compatibility fixes for the pinned stack (torch 2.13, numpy 2, mmaction2 1.2.0 wheel).

Everything that papers over a third-party defect lives here, so that it is one
small, documented place. :func:`apply_all` runs at ``import cmd_mmaction``:

* :func:`patch_missing_drn`: the wheel lacks a module ``mmaction.models`` imports;
* :func:`patch_numpy2_aliases`: names NumPy 2 removed that mmaction2 still uses;
* :func:`patch_pickle_handler`: ``mmengine.fileio.load`` of a ``.pkl`` /
  ``.pickle`` file (how mmaction2's ``PoseDataset`` and the other stock datasets
  read annotation files) runs plain ``pickle.load``, i.e. any code a downloaded
  file names. The handler is replaced by one that unpickles with the restricted
  unpickler of ``cmd_mmaction/utils/safe_pickle.py`` (plus checked CPU
  tensors, see :class:`~cmd_mmaction.evaluation.prediction_dump.DumpUnpickler`,
  so ``tools/test.py --dump`` files still load); dumping is unchanged;
* :func:`silence_mmcv_lite_warning`: mmcv-lite (the pinned build, without compiled
  ops) warns at every import that its deformable-attention op is missing; nothing
  here uses it, so the line only hides a newcomer's first real messages.
"""
import os
import sys
import types

import numpy as np
from mmengine.fileio.handlers import PickleHandler, register_handler


def patch_missing_drn() -> None:
    """Register placeholders for ``mmaction.models.localizers.drn``.

    The mmaction2 1.2.0 wheel on PyPI omits that folder while
    ``mmaction/models/localizers/__init__.py`` imports ``.drn.drn.DRN``, so
    ``import mmaction.models`` fails. DRN is a video-grounding localizer that
    skeleton work never uses; a placeholder class makes the import succeed and
    raises a clear error if somebody actually tries to build it.
    """
    try:  # the real module exists in a source checkout of mmaction2
        import mmaction.models.localizers.drn.drn  # noqa: F401
        return
    except ImportError:
        pass
    pkg_name = 'mmaction.models.localizers.drn'
    if pkg_name + '.drn' in sys.modules:
        return

    class DRN:  # noqa: D401 - placeholder
        """Placeholder for the DRN localizer missing from the PyPI wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError('DRN is not shipped in the mmaction2 1.2.0 wheel; '
                              'install mmaction2 from source to use it.')

    pkg = types.ModuleType(pkg_name)
    pkg.__path__ = []  # mark as a package
    mod = types.ModuleType(pkg_name + '.drn')
    mod.DRN = DRN
    pkg.drn = mod
    sys.modules[pkg_name] = pkg
    sys.modules[pkg_name + '.drn'] = mod


def patch_numpy2_aliases() -> None:
    """Restore aliases NumPy 2 removed but mmaction2 1.2.0 still uses."""
    for old, new in (('Inf', 'inf'), ('trapz', 'trapezoid'), ('in1d', 'isin')):
        if not hasattr(np, old) and hasattr(np, new):
            setattr(np, old, getattr(np, new))


def _path_given_to_mmengine_load() -> str:
    """The file ``mmengine.fileio.load`` was called with, for error messages.

    ``load`` reads the file into a ``BytesIO`` before it calls the handler, so the
    handler never sees the path; it is ``load``'s ``file`` argument, a few frames up.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == 'load' and frame.f_code.co_filename.endswith(
                os.path.join('mmengine', 'fileio', 'io.py')):
            file = frame.f_locals.get('file')
            if isinstance(file, (str, os.PathLike)):
                return os.fspath(file)
            break
        frame = frame.f_back
    return '<pickle read by mmengine.fileio.load>'


class RestrictedPickleHandler(PickleHandler):
    """mmengine's pickle handler, loading with the restricted unpickler."""

    def load_from_fileobj(self, file, encoding: str = 'ASCII'):
        from .evaluation.prediction_dump import DumpUnpickler  # imports mmaction: lazily
        from .utils.safe_pickle import load_restricted
        source = getattr(file, 'name', None)
        source = source if isinstance(source, str) else _path_given_to_mmengine_load()
        return load_restricted(DumpUnpickler, file, source, encoding)


def patch_pickle_handler() -> None:
    """Make ``mmengine.fileio.load`` of ``.pkl`` / ``.pickle`` run no code (module doc)."""
    register_handler(['pkl', 'pickle'])(RestrictedPickleHandler)


def silence_mmcv_lite_warning() -> None:
    import warnings
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``',
        category=UserWarning)


def apply_all() -> None:
    silence_mmcv_lite_warning()
    patch_missing_drn()
    patch_numpy2_aliases()
    patch_pickle_handler()
