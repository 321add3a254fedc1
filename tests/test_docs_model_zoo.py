"""docs/model_zoo.md has one row per pretraining config and names only configs that exist."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / 'docs/model_zoo.md').read_text()
PRETRAINING = sorted(
    str(p.relative_to(ROOT)) for pattern in ('cmd/*.py', 'moco/*.py', 'ikem/ikem-*.py',
                                             'ikem/cmd-ikem*.py')
    for p in (ROOT / 'configs').glob(pattern))


def test_every_pretraining_config_has_one_row():
    assert len(PRETRAINING) >= 20
    for config in PRETRAINING:
        rows = [line for line in DOC.splitlines() if line.startswith(f'| `{config}` |')]
        assert len(rows) == 1, f'docs/model_zoo.md: {len(rows)} rows for {config}'


def test_named_configs_exist_and_rows_are_complete():
    for path in re.findall(r'`(configs/[\w./-]+\.py)`', DOC):
        assert (ROOT / path).is_file(), path
    for line in DOC.splitlines():
        if line.startswith('| `configs/'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            assert len(cells) == 5 and cells[-1], line  # "measured here" is never empty
