"""tools/analysis/real_data_study.py in tiny mode on the real MSR Action3D recordings:
every method x protocol x stream cell, a curve PNG and the Markdown table."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MSR = ROOT.parent / 'shared' / 'data' / 'msr_action3d'
sys.path.insert(0, str(ROOT))


def test_tiny_study_writes_table_and_plot(tmp_path):
    if not MSR.is_dir():
        pytest.skip(f'{MSR} absent (third-party data, provided beside the repository in CI)')
    from tools.analysis import real_data_study as study
    out = study.main(['--tiny', '--data-dir', str(MSR), '--ann-file', str(tmp_path / 'msr.pkl'),
                      '--work-dir', str(tmp_path / 'work'), '--out-dir', str(tmp_path / 'docs')])
    (results, ) = out['results']  # tiny: one seed
    for method in study.METHODS:
        for protocol in ('knn', 'linear'):
            cells = results[method][protocol]
            assert set(cells) == {'joint', 'motion', 'bone', 'fused'}
            assert all(0 <= v <= 1 for v in cells.values())
    assert [e for e, _ in out['curves'][0]['cmd']] == [1, 2]  # kNN at every (tiny) epoch
    text = Path(out['markdown']).read_text()
    assert 'TINY smoke run' in text and '| supervised |' in text and '3-stream fusion' in text
    png = tmp_path / 'docs' / 'results_msr_action3d_knn_curve.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
