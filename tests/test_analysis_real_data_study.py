"""tools/analysis/real_data_study.py and recipe_ablation.py in tiny mode on real
recordings: the Northwestern-UCLA study (every method x protocol x stream cell, the curve
PNG, the t-SNE PNG, the Markdown tables with the published numbers), the MSR page
regenerated from saved results, and the MSR recipe ablation."""
import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # trains or runs the tools

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / 'shared' / 'data'
MSR = SHARED / 'msr_action3d'
NW_UCLA = SHARED / 'nw_ucla' / 'all_sqe'
sys.path.insert(0, str(ROOT))
PNG = b'\x89PNG\r\n\x1a\n'


def skip_without(path):
    if not path.is_dir():
        pytest.skip(f'{path} absent (third-party data, provided beside the repository in CI)')


def skip_without_msr():
    skip_without(MSR)


@pytest.fixture(scope='module')
def tiny_ucla(tmp_path_factory):
    skip_without(NW_UCLA)
    from tools.analysis import real_data_study as study
    tmp = tmp_path_factory.mktemp('ucla')
    out = study.main(['--dataset', 'nw_ucla', '--tiny', '--data-dir', str(NW_UCLA),
                      '--ann-file', str(tmp / 'ucla.pkl'), '--work-dir', str(tmp / 'work'),
                      '--out-dir', str(tmp / 'docs')])
    return tmp, out


def test_tiny_study_writes_table_and_plots(tiny_ucla):
    from cmd_mmaction.apis.studies import NW_UCLA
    tmp, out = tiny_ucla
    (results, ) = out['results']  # tiny: one seed
    ((variant, _, (option, )), ) = NW_UCLA.variants
    assert NW_UCLA.methods == ('random-init', 'moco', 'cmd', variant, 'supervised')
    for method in NW_UCLA.methods:
        pretrained = method not in ('random-init', 'supervised')
        protocols = ('knn', 'linear') + (('monitor', ) if pretrained else ())
        kept = {'losses', 'loss_curves'} if pretrained else set()
        assert set(results[method]) == set(protocols) | kept | {'complementarity'}
        # the linear classifiers' predictions: pairwise agreement, one of them right
        shared = results[method]['complementarity']
        assert set(shared) == {'agreement', 'oracle'}
        assert 0 <= shared['agreement'] <= 1
        assert max(results[method]['linear'][s] for s in ('joint', 'motion', 'bone')) \
            <= shared['oracle'] + 1e-9  # no stream beats "one of them is right"
        if pretrained:  # the last logged losses: InfoNCE per stream, distillation for CMD
            losses, curves = results[method]['losses'], results[method]['loss_curves']
            assert {f'loss_moco_{s}' for s in ('joint', 'motion', 'bone')} <= set(losses)
            assert ('loss_cmd' in losses) == (method != 'moco'), method
            assert all(v >= 0 for v in losses.values())
            assert set(curves) == set(losses)  # and per epoch: one point per (tiny) epoch
            assert all([e for e, _ in curve] == [1, 2] for curve in curves.values())
            # the logger's interval is the epoch's 31 iterations: one line, its own mean
            assert all(curve[-1][1] == losses[key] for key, curve in curves.items())
        for protocol in protocols:
            cells = results[method][protocol]
            assert set(cells) == {'joint', 'motion', 'bone', 'fused'}
            assert all(0 <= v <= 1 for v in cells.values())
    # the variant's cfg-options reached its pretraining: the dumped config has the pairs
    from mmengine.config import Config
    dumped = next((tmp / 'work' / 'seed0' / 'variant0_cmd').glob('*.py'))
    pairs = [tuple(pair) for pair in Config.fromfile(dumped).model.pairs]
    assert ('motion', 'bone') in pairs and ('joint', 'motion') not in pairs, option
    assert len(pairs) == 4
    assert set(out['curves'][0]) == {'moco', 'cmd', variant}
    assert [e for e, _ in out['curves'][0]['cmd']] == [1, 2]  # kNN at every (tiny) epoch
    text = Path(out['markdown']).read_text()
    assert 'TINY smoke run' in text and '| supervised |' in text and '3-stream fusion' in text
    assert f'| {variant} |' in text and f'fused kNN: {variant} ' in text
    assert '| monitor top-1 (%) |' in text and '| at least one stream right |' in text
    assert '| last epoch | InfoNCE joint |' in text and 'ln(K + 1) = 5.55' in text  # K 256
    assert '| P&C (linear, published) | linear | 84.9 |' in text
    assert '| CTR-GCN (supervised, published) | supervised | 96.5 |' in text
    assert '(results_nw_ucla_losses.png)' in text
    for png in ('results_nw_ucla_knn_curve.png', 'results_nw_ucla_tsne.png',
                'results_nw_ucla_losses.png'):
        assert (tmp / 'docs' / png).read_bytes()[:8] == PNG, png
    assert '(results_nw_ucla_tsne.png)' in text


def test_report_only_rewrites_the_msr_page_from_saved_results(tiny_ucla, tmp_path):
    """The MSR study's page comes from the same runner: regenerate it without training."""
    from tools.analysis import real_data_study as study
    tmp, out = tiny_ucla
    work = tmp_path / 'work'
    work.mkdir()
    # results saved before the losses were kept: --report-only reads them from the runs
    (work / 'seed0').symlink_to(tmp / 'work' / 'seed0')
    results = json.loads(json.dumps(out['results']))
    for per_seed in results:
        for row in per_seed.values():
            for kept in ('losses', 'loss_curves', 'complementarity'):
                row.pop(kept, None)
    (work / 'results.json').write_text(json.dumps(dict(
        seeds=[0], results=results, curves=out['curves'], seconds=60.0, jobs=1)))
    again = study.main(['--dataset', 'msr', '--report-only', '--work-dir', str(work),
                        '--out-dir', str(tmp_path / 'docs')])
    for kept in ('losses', 'loss_curves', 'complementarity'):
        assert again['results'][0]['cmd'][kept] == out['results'][0]['cmd'][kept]
    assert again['results'][0]['random-init']['complementarity'] == \
        out['results'][0]['random-init']['complementarity']
    text = Path(again['markdown']).read_text()
    assert text.startswith('# MSR Action3D: CMD vs MoCo') and '**1.0 minutes**' in text
    assert 'ln(K + 1) = 4.17' in text  # the MSR configs' queue of 64
    assert '(results_msr_action3d_losses.png)' in text
    for png in ('results_msr_action3d_knn_curve.png', 'results_msr_action3d_losses.png'):
        assert (tmp_path / 'docs' / png).read_bytes()[:8] == PNG, png


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
    # --report-only rewrites the same page from the saved scores, without training
    again = ablation.main(['--report-only', '--work-dir', str(tmp_path / 'work'),
                           '--out-dir', str(tmp_path / 'again')])
    assert Path(again['markdown']).read_text() == text
