"""Compatibility fixes for the pinned stack (torch 2.13, numpy 2, mmaction2 1.2.0 wheel).

Everything that papers over a third-party defect lives here, so that it is one
small, documented place (see ``../shared/RECIPE.md`` for how each was found).
"""
import sys
import types

import numpy as np


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


def apply_all() -> None:
    patch_missing_drn()
    patch_numpy2_aliases()
