"""tools/analysis/real_data_study.py and recipe_ablation.py in tiny mode on the real MSR
Action3D recordings: every method x protocol x stream cell, a curve PNG and the
Markdown tables."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MSR = ROOT.parent / 'shared' / 'data' / 'msr_action3d'
sys.path.insert(0, str(ROOT))


def skip_without_msr():
    if not MSR.is_dir():
        pytest.skip(f'{MSR} absent (third-party data, provided beside the repository in CI)')


def test_tiny_study_writes_table_and_plot(tmp_path):
    skip_without_msr()
    from cmd_mmaction.apis.study import METHODS
    from tools.analysis import real_data_study as study
    out = study.main(['--tiny', '--data-dir', str(MSR), '--ann-file', str(tmp_path / 'msr.pkl'),
                      '--work-dir', str(tmp_path / 'work'), '--out-dir', str(tmp_path / 'docs')])
    (results, ) = out['results']  # tiny: one seed
    for method in METHODS:
        for protocol in ('knn', 'linear'):
            cells = results[method][protocol]
            assert set(cells) == {'joint', 'motion', 'bone', 'fused'}
            assert all(0 <= v <= 1 for v in cells.values())
    assert [e for e, _ in out['curves'][0]['cmd']] == [1, 2]  # kNN at every (tiny) epoch
    text = Path(out['markdown']).read_text()
    assert 'TINY smoke run' in text and '| supervised |' in text and '3-stream fusion' in text
    png = tmp_path / 'docs' / 'results_msr_action3d_knn_curve.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_tiny_ablation_writes_table(tmp_path):
    skip_without_msr()
    from tools.analysis import recipe_ablation as ablation
    out = ablation.main(['--tiny', '--data-dir', str(MSR), '--ann-file', str(tmp_path / 'msr.pkl'),
                         '--work-dir', str(tmp_path / 'work'), '--out-dir', str(tmp_path)])
    names = [name for name, _, _ in out['variants']]
    assert len(names) == ablation.TINY_VARIANTS
    assert list(out['scores']) == names
    for name in names:
        (cells, ) = out['scores'][name].values()  # tiny: one seed
        assert set(cells) == {'joint', 'motion', 'bone', 'fused'}
        assert all(0 <= v <= 1 for v in cells.values())
    # the variant's options reached the model: its dumped config has them
    config = next((tmp_path / 'work' / 'seed0' / 'variant2_cmd').glob('*.py')).read_text()
    assert 'topk=8' in config and "'CMDLoss'" in config
    text = Path(out['markdown']).read_text()
    assert 'TINY smoke run' in text and all(f'| {name} |' in text for name in names)
