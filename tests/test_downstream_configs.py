"""Every downstream config (linear / semi / finetune / transfer / fusion) parses,
carries the official hyper-parameters and builds its model (shrunk)."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import cmd_mmaction  # noqa: F401
from cmd_mmaction.skeleton.modalities import canonical_name
from mmaction.registry import MODELS

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ('linear', 'semi', 'finetune', 'transfer')
# the official-protocol configs; *_synthetic-* (README examples, below) and *_msr-* (the
# real-data study, tests/test_configs_msr.py) have their own schedules
CONFIGS = sorted(p for d in PROTOCOLS for p in (ROOT / 'configs' / d).glob('*.py')
                 if 'synthetic' not in p.name and '_msr-' not in p.name)
SYNTHETIC_LINEAR = sorted((ROOT / 'configs/linear').glob('*_synthetic-xsub-3d-*.py'))
DATASETS = {'ntu60-xsub': 60, 'ntu60-xview': 60, 'ntu120-xsub': 120, 'ntu120-xset': 120,
            'pku2-xsub': 51}
BACKBONES = ('bigru', 'stgcn-w16')
SMALL = {
    'BiGRU': {'model.backbone.hidden': 8, 'model.backbone.num_layers': 1,
              'model.cls_head.in_channels': 16},
    'STGCN': {'model.backbone.num_stages': 2, 'model.backbone.inflate_stages': [2],
              'model.backbone.down_stages': [2], 'model.cls_head.in_channels': 32},
}


def test_every_protocol_dataset_and_backbone_has_a_config():
    names = {p.name for p in CONFIGS}
    for bb in BACKBONES:
        for ds in DATASETS:
            for mod in ('joint', 'motion', 'bone'):
                assert f'linear_{bb}_1xb64-80e_{ds}-3d-{mod}.py' in names
            assert f'finetune_{bb}_1xb64-80e_{ds}-3d-joint.py' in names
            for pct in (1, 5, 10, 20):
                assert f'semi-{pct}pct_{bb}_1xb64-80e_{ds}-3d-joint.py' in names
        for src in ('ntu60-xsub', 'ntu120-xsub'):
            assert f'transfer_{bb}_1xb64-80e_{src}-to-pku2-xsub-3d-joint.py' in names


def _stream(pipeline):
    (step, ) = [t for t in pipeline if t['type'] == 'GenModality']
    (name, ) = step['modalities']
    return canonical_name(name)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_hyper_parameters_and_model(path):
    cfg = Config.fromfile(str(path))
    protocol = path.parent.name
    dataset = path.stem.split('_')[-1].rsplit('-3d', 1)[0].split('-to-')[-1]
    modality = path.stem.rsplit('-', 1)[-1]
    assert cfg.model.cls_head.num_classes == DATASETS[dataset]
    assert cfg.train_dataloader.batch_size == 64
    assert cfg.train_cfg.max_epochs == 80
    assert [s.milestones for s in cfg.param_scheduler] == [[50, 70]]
    optim = cfg.optim_wrapper.optimizer
    assert (optim.momentum, optim.weight_decay) == (0.9, 0)
    assert optim.lr == (0.1 if protocol == 'linear' else 0.01)
    assert cfg.model.type == ('FrozenRecognizerGCN' if protocol == 'linear' else 'RecognizerGCN')
    # one stream, the same in the data and in the loaded encoder
    init = cfg.model.backbone.init_cfg
    assert init.type == 'PretrainedEncoder'
    assert init.prefix == f'encoder_q.{modality}.backbone.'
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        assert _stream(loader.dataset.pipeline) == modality
    source = path.stem.split('_')[-1].split('-to-')[0] if protocol == 'transfer' else dataset
    assert f'_{source}-3d/' in init.checkpoint
    fraction = cfg.train_dataloader.dataset.get('label_fraction')
    if protocol == 'semi':
        assert fraction == int(path.stem.split('pct')[0].split('-')[1]) / 100
    else:
        assert fraction is None
    crop = [t for t in cfg.train_dataloader.dataset.pipeline
            if t['type'] == 'TemporalCropResize'][0]
    assert tuple(crop.ratio) == (0.5, 1.0) and crop.clip_len == 64

    cfg.merge_from_dict(SMALL[cfg.model.backbone.type])
    init_default_scope('mmaction')  # RecognizerGCN builds its data preprocessor by name
    model = MODELS.build(cfg.model)
    x = torch.randn(2, 1, 2, 16, 25, 3, generator=torch.Generator().manual_seed(0))
    scores, _ = model.extract_feat(x, stage='head')
    assert scores.shape == (2, DATASETS[dataset])
    frozen = protocol == 'linear'
    assert all(p.requires_grad != frozen for p in model.backbone.parameters())


FUSION = sorted((ROOT / 'configs/fusion').glob('*.py'))


def test_every_dataset_and_backbone_has_a_fusion_config():
    names = {p.name for p in FUSION}
    for bb in BACKBONES:
        for ds in DATASETS:
            assert f'fusion-3s_{bb}_1xb64_{ds}-3d.py' in names


@pytest.mark.parametrize('path', FUSION, ids=lambda p: p.stem)
def test_fusion_config_builds_and_fuses(path):
    cfg = Config.fromfile(str(path))
    classes = DATASETS[path.stem.split('_')[-1][:-3]]
    assert _stream(cfg.test_dataloader.dataset.pipeline) == 'joint'  # streams made in-model
    assert cfg.train_dataloader is None and cfg.val_dataloader is None
    small = SMALL[cfg.model.streams.joint.backbone.type]
    cfg.merge_from_dict({k.replace('model.', f'model.streams.{s}.'): v
                         for s in cfg.model.streams for k, v in small.items()})
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model).eval()
    assert [model.modalities[s] for s in model.streams] == ['joint', 'motion', 'bone']
    x = torch.randn(2, 1, 2, 16, 25, 3, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        samples = model(x, mode='predict')
    assert samples[0].pred_score.shape == (classes, )
    torch.testing.assert_close(samples[0].pred_score.sum(), torch.tensor(1.0))


KNN = sorted((ROOT / 'configs/knn').glob('*.py'))


def test_every_dataset_and_backbone_has_knn_configs():
    names = {p.name for p in KNN}
    for bb in BACKBONES:
        for ds in DATASETS:
            assert {f'knn_{bb}_{ds}-3d.py', f'knn-downstream_{bb}_{ds}-3d.py'} <= names


@pytest.mark.parametrize('path', KNN, ids=lambda p: p.stem)
def test_knn_config_bank_query_and_metric(path):
    cfg = Config.fromfile(str(path))
    data = cfg.test_dataloader.dataset
    assert data.type == 'KNNBankDataset'
    split = path.stem.split('_')[-1][:-3].split('-')[1]
    assert (data.bank.split, data.query.split) == (f'{split}_train', f'{split}_val')
    for part in (data.bank, data.query):  # centre crop for bank and queries alike
        crop = [t for t in part.pipeline if t['type'] == 'TemporalCropResize'][0]
        assert crop.test_mode
    evaluators = cfg.test_evaluator
    evaluator = evaluators[0] if isinstance(evaluators, list) else evaluators
    assert (evaluator.type, evaluator.k) == ('KNNMetric', 1)
    assert cfg.model.type == ('MultiStreamRecognizer' if 'downstream' in path.stem else 'CMD')
    if cfg.model.type == 'MultiStreamRecognizer':
        assert cfg.model.store_features


@pytest.mark.parametrize('path', SYNTHETIC_LINEAR, ids=lambda p: p.stem)
def test_synthetic_linear_configs_fit_the_quickstart_checkpoint(path):
    """The README's linear example reads what `python tools/quickstart.py` writes."""
    import sys
    sys.path.insert(0, str(ROOT))
    from tools.quickstart import CONFIG
    cmd = Config.fromfile(CONFIG)
    cfg = Config.fromfile(str(path))
    modality = path.stem.rsplit('-', 1)[-1]
    assert cfg.model.backbone.init_cfg.checkpoint == (
        f'work_dirs/quickstart/pretrain/epoch_{cmd.train_cfg.max_epochs}.pth')
    assert cfg.model.backbone.init_cfg.prefix == f'encoder_q.{modality}.backbone.'
    for key in ('hidden', 'num_layers', 'mode'):
        assert cfg.model.backbone[key] == cmd.model.backbone[key], key
    assert cfg.model.cls_head.in_channels == cmd.model.head.in_channels
    assert cfg.model.cls_head.num_classes == 12  # generated data: 12 actions
    assert cfg.train_dataloader.dataset.ann_file == cmd.train_dataloader.dataset.ann_file
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        assert _stream(loader.dataset.pipeline) == modality
