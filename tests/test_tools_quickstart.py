"""The README's main job (tools/quickstart.py) end to end, in a tiny mode."""
import pytest

from cmd_runs import EVAL, TINY  # also puts the repository root on sys.path
from tools import quickstart


def test_format_table_rows_modalities_fused_last():
    table = quickstart.format_table({
        'a': {'knn/joint_top1': 0.5, 'knn/fused_top1': 0.75, 'knn/bone_top1': 0.125},
        'b': {'knn/joint_top1': 0.25}})
    assert table.splitlines() == [
        '| kNN top-1 (%) | a | b |', '| --- | ---: | ---: |',
        '| bone | 12.5 | - |', '| joint | 50.0 | 25.0 |', '| fused | 75.0 | - |']


@pytest.mark.slow
def test_quickstart_pretrains_and_compares_with_random_init(tmp_path, tiny_synthetic_pkl,
                                                            capsys):
    results = quickstart.main(['--data', tiny_synthetic_pkl, '--work-dir', str(tmp_path),
                               '--epochs', '1', '--cfg-options', *TINY, *EVAL])
    assert (tmp_path / 'pretrain/epoch_1.pth').is_file()
    assert set(results) == {'CMD pretrained', 'random init'}
    for metrics in results.values():
        for key in ('knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1', 'knn/fused_top1'):
            assert 0.0 <= metrics[key] <= 1.0
    out = capsys.readouterr().out
    assert '| kNN top-1 (%) | CMD pretrained | random init |' in out
    assert '==> python tools/train.py' in out and '==> python tools/test.py' in out
