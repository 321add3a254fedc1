"""tools/analysis/benchmark.py: the analytic FLOP count and the report format (tiny mode)."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.analysis import benchmark  # noqa: E402


def test_gru_flops_by_hand():
    # tiny: H=16, 2 layers, N=4, T=8; per frame and direction 2*3H*(I+H), I = 150 then 2H
    per_frame = 2 * 3 * 16 * (150 + 16) + 2 * 3 * 16 * (32 + 16)
    assert benchmark.gru_train_flops('tiny') == 3 * 4 * (2 * per_frame * 4 * 8)


def test_per_frame_reference_equals_whole_sequence_bigru():
    import torch

    import cmd_mmaction  # noqa: F401
    from mmaction.registry import MODELS
    benchmark._register_per_frame_bigru()
    torch.manual_seed(0)
    ours = MODELS.build(dict(type='BiGRU', hidden=8, num_layers=2)).eval()
    reference = MODELS.build(dict(type='PerFrameBiGRU', hidden=8, num_layers=2)).eval()
    reference.load_state_dict(ours.state_dict())
    x = torch.randn(3, 2, 7, 25, 3)
    torch.testing.assert_close(reference(x), ours(x), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_tiny_run_prints_every_case_ratio_and_verdict(tmp_path, tiny_synthetic_pkl, capsys):
    out = benchmark.main(['--size', 'tiny', '--steps', '1', '--warmup', '1', '--data-seconds',
                          '1', '--workers', '0', '--loss-curve', '2', '--profile', 'cmd', '--data',
                          tiny_synthetic_pkl, '--json', str(tmp_path / 'bench.json')])
    text = capsys.readouterr().out
    for case in benchmark.CASES:
        assert f'| {case} |' in text
        assert out['results'][case]['samples_per_s'] > 0
    for ratio in ('3/1', '3/2', '1/4', '6/1', 'FLOP/s of 1 / matmul'):
        assert f'| {ratio} |' in text
    assert 'all targets met' in text or 'targets MISSED' in text
    assert 'fp32 matmul:' in text and benchmark.FLOP_FORMULA in text
    assert len(out['curves']['fp32']) == len(out['curves']['amp']) == 2
    assert (tmp_path / 'bench.json').is_file()
    assert '## torch.profiler, one training step of case cmd' in text
    assert 'Self CPU' in text and 'aten::' in out['results']['cmd']['profile']
    assert 'profile' not in out['results']['moco']
    assert 'distillation term alone' in text and out['results']['cmd']['distill_s'] > 0
