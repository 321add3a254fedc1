"""cmd-mmaction: self-supervised skeleton representation learning for mmaction2.

Importing this package registers every class into mmaction2's registries, so a
config only needs ``custom_imports = dict(imports=['cmd_mmaction'])``.
"""
from . import compat

compat.apply_all()  # must run before anything imports mmaction.models

import mmaction.models  # noqa: E402,F401  (registers stock mmaction2 classes)
import mmaction.datasets  # noqa: E402,F401
import mmaction.evaluation  # noqa: E402,F401

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__version__ = '0.1.0'
