"""Downstream protocols end to end on generated data, through tools/train.py and
tools/test.py: CMD pretraining -> kNN, linear evaluation (frozen encoder), dumps
and their fusion. One tiny pretraining checkpoint is shared by the module."""
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from cmd_runs import run_tool

pytestmark = pytest.mark.slow  # trains or runs the tools

ROOT = Path(__file__).resolve().parents[1]
CMD_CONFIG = ROOT / 'configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py'
LINEAR_CONFIG = ROOT / 'configs/linear/linear_bigru_1xb64-80e_ntu60-xsub-3d-joint.py'

LOADERS = ['train_dataloader.{}=4', 'val_dataloader.{}=4', 'test_dataloader.{}=4']
FAST = [f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        for key in ('batch_size=4', 'num_workers=0', 'persistent_workers=False')]
TINY_BIGRU = ['model.backbone.hidden=8', 'model.backbone.num_layers=1']


def metric(out, name):
    """Last value of ``name`` printed in an mmengine log."""
    values = re.findall(re.escape(name) + r': (-?[0-9.]+)', out)
    assert values, f'{name} not in the output:\n{out[-3000:]}'
    return float(values[-1])


def cmd_options(pkl):
    return [f'ann_file={pkl}'] + FAST + TINY_BIGRU + [
        'model.neck.in_channels=16', 'model.neck.hid_channels=16', 'model.queue_len=16',
        'model.distill.topk=8']


def downstream_options(pkl, pretrained):
    return [f'ann_file={pkl}'] + FAST + TINY_BIGRU + [
        f'pretrained={pretrained}', 'model.cls_head.in_channels=16',
        'num_classes=12', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
        'train_cfg.val_interval=1']


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, tiny_synthetic_pkl):
    """A real CMD checkpoint: 1 epoch of tools/train.py on the tiny data."""
    work = tmp_path_factory.mktemp('cmd')
    run_tool([ROOT / 'tools/train.py', CMD_CONFIG, '--work-dir', work, '--cfg-options',
              *cmd_options(tiny_synthetic_pkl), 'train_cfg.max_epochs=1'], cwd=work)
    assert (work / 'epoch_1.pth').is_file()
    return work / 'epoch_1.pth'


@pytest.fixture(scope='module')
def linear(tmp_path_factory, tiny_synthetic_pkl, pretrained):
    work = tmp_path_factory.mktemp('linear')
    opts = downstream_options(tiny_synthetic_pkl, pretrained)
    out = run_tool([ROOT / 'tools/train.py', LINEAR_CONFIG, '--work-dir', work,
                    '--cfg-options', *opts], cwd=work)
    return work, opts, out


@pytest.fixture(scope='module')
def knn_run(pretrained, tiny_synthetic_pkl):
    """tools/test.py of the pretraining config (its test loader is the kNN protocol) on
    the pretraining checkpoint (its work dir)."""
    work = pretrained.parent
    return run_tool([ROOT / 'tools/test.py', CMD_CONFIG, pretrained, '--work-dir', work,
                     '--cfg-options', *cmd_options(tiny_synthetic_pkl)], cwd=work)


def test_knn_from_tools_test_on_pretraining_checkpoint(knn_run):
    for name in ('knn/joint_top1', 'knn/motion_top1', 'knn/bone_top1', 'knn/fused_top1'):
        assert 0 <= metric(knn_run, name) <= 1


def test_linear_trains_head_only_and_validates(linear, pretrained):
    work, _, out = linear
    assert 'PretrainedEncoder: loaded' in out
    assert 0 <= metric(out, 'acc/top1') <= 1
    before = torch.load(pretrained, weights_only=False)['state_dict']
    after = torch.load(work / 'epoch_1.pth', weights_only=False)['state_dict']
    backbone = {k: v for k, v in after.items() if k.startswith('backbone.')}
    assert backbone, 'no backbone in the linear checkpoint'
    for key, value in backbone.items():  # weights and BN running stats untouched
        assert torch.equal(value, before['encoder_q.joint.' + key]), key
    head = 'cls_head.fc.weight'
    assert after[head].shape == (12, 16)


def test_synthetic_linear_config_trains_on_a_pretraining_checkpoint(pretrained, tmp_path,
                                                                    tiny_synthetic_pkl):
    """The README's generated-data example (bone stream), shrunk to the tiny checkpoint."""
    config = ROOT / 'configs/linear/linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-bone.py'
    out = run_tool([ROOT / 'tools/train.py', config, '--work-dir', tmp_path, '--cfg-options',
                    *downstream_options(tiny_synthetic_pkl, pretrained)], cwd=tmp_path)
    assert 'PretrainedEncoder: loaded' in out and 'encoder_q.bone.backbone.' in out
    assert 0 <= metric(out, 'acc/top1') <= 1


@pytest.fixture(scope='module')
def stream_dumps(linear, tmp_path_factory):
    """``tools/test.py --dump`` of the linear checkpoint on the joint and motion streams."""
    work, opts, _ = linear
    out = tmp_path_factory.mktemp('dumps')
    dumps = {}
    for modality in ('joint', 'motion'):
        dumps[modality] = out / f'{modality}.pkl'
        run_tool([ROOT / 'tools/test.py', LINEAR_CONFIG, work / 'epoch_1.pth', '--work-dir',
                  out, '--dump', dumps[modality], '--cfg-options', *opts,
                  f'model.modality={modality}'], cwd=out)
    return dumps


def load_dump(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def stacked(records, key='pred_score'):
    return np.stack([np.asarray(r[key], dtype=np.float64) for r in records])


def test_fuse_results_equals_fusion_by_hand(stream_dumps):
    sys.path.insert(0, str(ROOT / 'tools/analysis'))
    try:
        from fuse_results import main as fuse_main
    finally:
        sys.path.pop(0)
    paths = [stream_dumps['joint'], stream_dumps['motion']]
    result = fuse_main([str(d) for d in paths] + ['--weights', '2', '1', '--topk', '1'])

    records = [load_dump(p) for p in paths]
    scores = [stacked(r) for r in records]
    labels = np.array([int(r['gt_label'][0]) for r in records[0]])
    assert not np.allclose(scores[0], scores[1])  # two different streams
    fused = (2 * scores[0] + 1 * scores[1]) / 3
    by_hand = [float(np.mean(s.argmax(1) == labels)) for s in (*scores, fused)]
    assert [s[1] for s in result['streams']] + [result['fused'][1]] == pytest.approx(by_hand)


# every stream's encoder and classifier are the '{backbone}' / '{cls_head}' variables
TINY_STREAMS = ['backbone.hidden=8', 'backbone.num_layers=1', 'cls_head.in_channels=16',
                'num_classes=12']


@pytest.fixture(scope='module')
def merged(linear, tmp_path_factory):
    """The linear joint checkpoint as all three streams of a MultiStreamRecognizer."""
    ckpt = linear[0] / 'epoch_1.pth'
    out = tmp_path_factory.mktemp('merged')
    run_tool([ROOT / 'tools/analysis/merge_streams.py', f'joint={ckpt}', f'motion={ckpt}',
              f'bone={ckpt}', '-o', out / 'streams.pth'], cwd=out)
    return out / 'streams.pth'


def test_multi_stream_config_scores_like_single_streams(merged, stream_dumps, tiny_synthetic_pkl,
                                                        tmp_path):
    config = ROOT / 'configs/fusion/fusion-3s_bigru_1xb64_ntu60-xsub-3d.py'
    tiny = ['ann_file=' + tiny_synthetic_pkl, 'model.weights=[2,1,0]',
            *[o for o in FAST if o.startswith('test')]] + TINY_STREAMS
    dump = tmp_path / 'fused.pkl'
    out = run_tool([ROOT / 'tools/test.py', config, merged, '--work-dir', tmp_path, '--dump',
                    dump, '--cfg-options', *tiny], cwd=tmp_path)
    assert 0 <= metric(out, 'acc/top1') <= 1
    fused = load_dump(dump)
    joint, motion = (stacked(load_dump(stream_dumps[m])) for m in ('joint', 'motion'))
    np.testing.assert_allclose(stacked(fused, 'pred_score_joint'), joint, atol=1e-5)
    np.testing.assert_allclose(stacked(fused, 'pred_score_motion'), motion, atol=1e-5)
    np.testing.assert_allclose(stacked(fused), (2 * joint + motion) / 3, atol=1e-5)


def test_knn_of_downstream_checkpoint(merged, tiny_synthetic_pkl, tmp_path):
    config = ROOT / 'configs/knn/knn-downstream_bigru_ntu60-xsub-3d.py'
    tiny = [f'ann_file={tiny_synthetic_pkl}'] + [o for o in FAST if o.startswith('test')]
    out = run_tool([ROOT / 'tools/test.py', config, merged, '--work-dir', tmp_path,
                    '--cfg-options', *tiny, *TINY_STREAMS], cwd=tmp_path)
    values = [metric(out, f'knn/{m}_top1') for m in ('joint', 'motion', 'bone', 'fused')]
    assert all(0 <= v <= 1 for v in values)


def test_semi_seeds_trains_each_seed_and_reports_mean_std(pretrained, small_synthetic_pkl,
                                                          tmp_path):
    config = ROOT / 'configs/semi/semi-10pct_bigru_1xb64-80e_ntu60-xsub-3d-joint.py'
    out = run_tool([ROOT / 'tools/analysis/semi_seeds.py', config, '--seeds', '3', '4',
                    '--fraction', '0.5', '--work-dir', tmp_path, '--cfg-options',
                    *downstream_options(small_synthetic_pkl, pretrained)], cwd=tmp_path)
    import json
    summary = json.loads((tmp_path / 'semi_seeds.json').read_text())
    last = [summary['seeds'][s]['last'] for s in ('3', '4')]
    assert all(0 <= v <= 1 for v in last)
    assert summary['last_mean'] == pytest.approx(np.mean(last))
    assert summary['last_std'] == pytest.approx(np.std(last, ddof=1))
    assert f'{100 * np.mean(last):.2f} ± {100 * np.std(last, ddof=1):.2f}' in out
    for seed in (3, 4):  # the seed reached the subset sampler and the run
        dumped = (tmp_path / f'seed{seed}' / config.name).read_text()
        assert f'subset_seed={seed}' in dumped and 'label_fraction=0.5' in dumped
        assert 'PretrainedEncoder: loaded' in next(
            (tmp_path / f'seed{seed}').glob('*/*.log')).read_text()


def test_finetune_trains_the_whole_encoder(pretrained, tiny_synthetic_pkl, tmp_path):
    """Finetune (all labels): unlike linear evaluation, the loaded encoder moves too."""
    config = ROOT / 'configs/finetune/finetune_bigru_1xb64-80e_ntu60-xsub-3d-joint.py'
    out = run_tool([ROOT / 'tools/train.py', config, '--work-dir', tmp_path, '--cfg-options',
                    *downstream_options(tiny_synthetic_pkl, pretrained)], cwd=tmp_path)
    assert 'PretrainedEncoder: loaded' in out
    assert 0 <= metric(out, 'acc/top1') <= 1
    before = torch.load(pretrained, weights_only=False)['state_dict']
    after = torch.load(tmp_path / 'epoch_1.pth', weights_only=False)['state_dict']
    weights = [k for k in after if k.startswith('backbone.') and k.endswith('weight_hh_l0')]
    assert weights
    for key in weights:
        assert not torch.equal(after[key], before['encoder_q.joint.' + key]), key


def _import_tool(name):
    sys.path.insert(0, str(ROOT / 'tools/analysis'))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def test_visualize_embeddings_of_pretraining_checkpoint(pretrained, tiny_synthetic_pkl,
                                                        tmp_path):
    tool = _import_tool('visualize_embeddings')
    out = tmp_path / 'tsne.png'
    result = tool.main([str(CMD_CONFIG), str(pretrained), '--out', str(out), '--modality',
                        'motion', '--cfg-options', *cmd_options(tiny_synthetic_pkl)])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    saved = np.load(tmp_path / 'tsne.npz')
    assert saved['features'].shape == (12, 16) and saved['embedding'].shape == (12, 2)
    assert sorted(saved['labels'].tolist()) == list(range(12))  # the 12 val clips
    # the motion query encoder's representation, as CMD.extract_feat computes it
    from mmengine.registry import init_default_scope
    from mmaction.registry import MODELS
    from cmd_mmaction.utils import load_config
    cfg = load_config(str(CMD_CONFIG), {
        'ann_file': str(tiny_synthetic_pkl), 'backbone.hidden': 8, 'backbone.num_layers': 1,
        'neck.in_channels': 16, 'neck.hid_channels': 16, 'model.queue_len': 16,
        'model.distill.topk': 8})
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model).eval()
    model.load_state_dict(torch.load(pretrained, weights_only=False)['state_dict'])
    from mmaction.registry import DATASETS
    data_cfg = cfg.test_dataloader.dataset.query
    data_cfg.ann_file = tiny_synthetic_pkl
    sample = DATASETS.build(data_cfg)[0]
    with torch.no_grad():
        feat = model.extract_feat(sample['inputs'][None].float(), 'motion')
    np.testing.assert_allclose(saved['features'][0], feat[0].numpy(), atol=1e-5)


def test_benchmark_table_collects_real_runs(pretrained, knn_run, linear, stream_dumps, tmp_path):
    tool = _import_tool('benchmark_table')
    linear_dir = linear[0]
    fused = tmp_path / 'fusion-3s_bigru_1xb64_ntu60-xsub-3d.pkl'
    fused.write_bytes(stream_dumps['joint'].read_bytes())
    semi = tmp_path / 'semi_seeds.json'
    semi.write_text('{"config": "configs/semi/semi-1pct_bigru_1xb64-80e_ntu60-xview-3d-joint.py",'
                    ' "seeds": {"0": {}, "1": {}}, "last_mean": 0.5, "last_std": 0.125,'
                    ' "best_mean": 0.625, "best_std": 0.0}')
    table = tool.main([str(pretrained.parent), str(linear_dir), str(fused), str(semi),
                       '--out', str(tmp_path / 'table.md')])
    assert (tmp_path / 'table.md').read_text() == table
    rows = {tuple(c.strip() for c in line.strip('|').split('|')[:4]): line
            for line in table.splitlines()[2:]}
    # linear: last validation of the training log
    history = tool.last_and_best(str(linear_dir))
    assert f'| {100 * history["last"]:.2f} |' in rows[('linear', 'ntu60-xsub', 'bigru', 'joint')]
    # kNN test of the pretraining checkpoint: every stream and the fused one
    for stream, key in (('joint', 'joint'), ('motion', 'motion'), ('bone', 'bone'),
                        ('joint+motion+bone', 'fused')):
        value = metric(knn_run, f'knn/{key}_top1')
        assert f'| {100 * value:.2f} |' in rows[('knn', 'ntu60-xsub', 'bigru', stream)]
    # a dump, with the paper's 3-stream number beside it
    records = load_dump(fused)
    top1 = np.mean([int(np.argmax(np.asarray(r['pred_score']))) == int(r['gt_label'][0])
                    for r in records])
    fusion_row = rows[('fusion-3s', 'ntu60-xsub', 'bigru', 'joint+motion+bone')]
    assert f'| {100 * top1:.2f} |' in fusion_row and fusion_row.endswith('| 84.1 |')
    semi_row = rows[('semi-1pct (2 seeds)', 'ntu60-xview', 'bigru', 'joint')]
    assert '| 50.00 ± 12.50 | 62.50 ± 0.00 |  |' in semi_row


def test_benchmark_table_names():
    tool = _import_tool('benchmark_table')
    assert tool.parse_name('transfer_stgcn-w16_1xb64-80e_ntu120-xsub-to-pku2-xsub-3d-joint') == \
        dict(protocol='transfer', backbone='stgcn-w16', dataset='ntu120-xsub → pku2-xsub',
             stream='joint')
    assert tool.parse_name('cmd_bigru_1xb64-451e_ntu60-xview-3d')['protocol'] == \
        'knn (pretraining monitor)'
    assert tool.parse_name('linear_bigru-h128_1xb32-20e_synthetic-xsub-3d-bone') == \
        dict(protocol='linear', backbone='bigru-h128', dataset='synthetic-xsub', stream='bone')
    with pytest.raises(ValueError, match='backbones'):
        tool.parse_name('linear_resnet_ntu60-xsub-3d-joint')
    with pytest.raises(ValueError, match='-3d'):
        tool.parse_name('linear_bigru_1xb64-80e_ntu60-xsub')
