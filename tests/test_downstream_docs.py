"""docs/protocols.md names only configs and tools that exist, and its configs parse."""
import re
from pathlib import Path

import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / 'docs/protocols.md').read_text()
PATHS = sorted(set(re.findall(r'\b((?:configs|tools)/[\w./{},-]+?\.(?:py|sh))\b', DOC)))


def expand(path):
    """``a_{x,y}.py`` -> ``a_x.py``, ``a_y.py`` (shell brace expansion, one level)."""
    match = re.search(r'\{([^}]*)\}', path)
    if not match:
        return [path]
    return [p for alt in match.group(1).split(',')
            for p in expand(path[:match.start()] + alt + path[match.end():])]


def test_the_doc_names_files():
    assert len(PATHS) >= 10


@pytest.mark.parametrize('path', PATHS)
def test_named_file_exists_and_config_parses(path):
    for one in expand(path):
        assert (ROOT / one).is_file(), f'docs/protocols.md names {one}, which does not exist'
        if one.startswith('configs/'):
            Config.fromfile(str(ROOT / one))
