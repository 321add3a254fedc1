"""The package's import graph: pure maths and helpers at the bottom, nothing reaching up.

models, evaluation and engine do not import datasets (skeleton maths lives in
``cmd_mmaction/skeleton``, helpers in ``cmd_mmaction/utils``); skeleton and utils import no
other part of the package; training does not import the offline converters.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'cmd_mmaction'


def _internal_imports(path: Path):
    """Top-level parts of cmd_mmaction that a module imports (relative or absolute)."""
    module = path.relative_to(PACKAGE.parent).with_suffix('').parts
    tree = ast.parse(path.read_text(encoding='utf-8'))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module[:len(module) - node.level]
                target = base + tuple((node.module or '').split('.')) if node.module else base
                if not node.module:  # from . import x
                    for alias in node.names:
                        yield (target + (alias.name, ))[1:2] or ('', )
                    continue
            elif (node.module or '').startswith('cmd_mmaction'):
                target = tuple(node.module.split('.'))
            else:
                continue
            yield target[1:2] or ('', )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith('cmd_mmaction.'):
                    yield tuple(alias.name.split('.'))[1:2]


def _parts_imported_by(part: str):
    found = set()
    for path in (PACKAGE / part).rglob('*.py'):
        found |= {t[0] for t in _internal_imports(path) if t and t[0]}
    return found - {part}


@pytest.mark.parametrize('part, allowed', [
    ('models', {'skeleton', 'utils', 'structures', 'registry'}),
    ('evaluation', {'skeleton', 'utils', 'structures', 'registry'}),
    ('engine', {'skeleton', 'utils', 'models', 'registry'}),
    ('skeleton', set()),
    ('utils', set()),
])
def test_no_part_imports_upwards(part, allowed):
    assert _parts_imported_by(part) <= allowed


@pytest.mark.slow
def test_importing_the_package_leaves_the_converters_out():
    code = ('import sys, cmd_mmaction; '
            'print(sorted(m for m in sys.modules if m.startswith("cmd_mmaction.") and '
            '(".converters" in m or ".apis" in m)))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == '[]'


def test_the_scan_sees_imports():
    """The parser finds real edges (else the checks above would pass on nothing)."""
    assert {'skeleton', 'utils'} <= _parts_imported_by('datasets')
    assert 'models' in _parts_imported_by('engine') or 'skeleton' in _parts_imported_by('engine')
