"""Every downstream config (linear / semi / finetune / transfer / fusion) parses,
carries the official hyper-parameters and builds its model (shrunk)."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import init_default_scope

import cmd_mmaction  # noqa: F401
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ('linear', 'semi', 'finetune', 'transfer')
# the official-protocol configs; *_synthetic-* (README examples, below), *_msr-* and
# *_nw-ucla-* (the real-data studies, tests/test_configs_msr.py, test_configs_nw_ucla.py)
# have their own schedules
SMALL_DATA = ('synthetic', '_msr-', '_nw-ucla-')
CONFIGS = sorted(p for d in PROTOCOLS for p in (ROOT / 'configs' / d).glob('*.py')
                 if not any(tag in p.name for tag in SMALL_DATA))
SYNTHETIC_LINEAR = sorted((ROOT / 'configs/linear').glob('*_synthetic-xsub-3d-*.py'))
DATASETS = {'ntu60-xsub': 60, 'ntu60-xview': 60, 'ntu120-xsub': 120, 'ntu120-xset': 120,
            'pku2-xsub': 51}
BACKBONES = ('bigru', 'stgcn-w16')
SMALL = {
    'bigru': {'backbone.hidden': 8, 'backbone.num_layers': 1, 'cls_head.in_channels': 16},
    'stgcn-w16': {'backbone.num_stages': 2, 'backbone.inflate_stages': [2],
                  'backbone.down_stages': [2], 'cls_head.in_channels': 32},
}


def _encoder(path):
    return 'stgcn-w16' if '_stgcn-w16_' in path.name else 'bigru'


def _no_stream_in_pipeline(loader):
    """The data are joints: the model computes the stream (no GenModality anywhere)."""
    return all(t['type'] != 'GenModality' for t in loader.dataset.pipeline)


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


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_hyper_parameters_and_model(path):
    cfg = load_config(str(path))
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
    assert cfg.model.type == 'SkeletonRecognizer'
    assert cfg.model.frozen == (('backbone', ) if protocol == 'linear' else ())
    # one stream, computed in the model; the encoder of that stream is loaded
    assert cfg.model.modality == modality
    assert cfg.model.pretrained_prefix == 'encoder_q.{modality}.backbone.'
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        assert _no_stream_in_pipeline(loader)
        assert loader.dataset.num_classes == DATASETS[dataset]
    source = path.stem.split('_')[-1].split('-to-')[0] if protocol == 'transfer' else dataset
    assert f'_{source}-3d/' in cfg.model.pretrained
    fraction = cfg.train_dataloader.dataset.get('label_fraction')
    if protocol == 'semi':
        assert fraction == int(path.stem.split('pct')[0].split('-')[1]) / 100
    else:
        assert fraction is None
    crop = [t for t in cfg.train_dataloader.dataset.pipeline
            if t['type'] == 'TemporalCropResize'][0]
    assert tuple(crop.ratio) == (0.5, 1.0) and crop.clip_len == 64

    cfg = load_config(str(path), SMALL[_encoder(path)])
    init_default_scope('mmaction')  # RecognizerGCN builds its data preprocessor by name
    model = MODELS.build(cfg.model)
    assert model.backbone.init_cfg == dict(type='PretrainedEncoder', checkpoint=cfg.pretrained,
                                           prefix=f'encoder_q.{modality}.backbone.')
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
    cfg = load_config(str(path), SMALL[_encoder(path)])
    classes = DATASETS[path.stem.split('_')[-1][:-3]]
    assert _no_stream_in_pipeline(cfg.test_dataloader)  # streams made in-model
    assert cfg.train_dataloader is None and cfg.val_dataloader is None
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model).eval()
    assert [model.streams[s].modality for s in model.streams] == ['joint', 'motion', 'bone']
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
            assert f'knn-downstream_{bb}_{ds}-3d.py' in names


PRETRAIN = sorted((ROOT / 'configs/cmd').glob('*.py'))


@pytest.mark.parametrize('path', KNN + PRETRAIN, ids=lambda p: p.stem)
def test_knn_config_bank_query_and_metric(path):
    """kNN of downstream checkpoints (configs/knn) and of pretraining checkpoints (the
    test loader of every pretraining config): bank = train split, queries = test split."""
    cfg = load_config(str(path))
    data = cfg.test_dataloader.dataset
    assert data.type == 'KNNBankDataset'
    split = path.stem.split('_')[-1][:-3].split('-')[-1]  # ntu60-xsub -> xsub
    assert (data.bank.split, data.query.split) == (f'{split}_train', f'{split}_val')
    assert data.bank.ann_file == data.query.ann_file == cfg.ann_file
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
    cmd = load_config(CONFIG)
    cfg = load_config(str(path))
    modality = path.stem.rsplit('-', 1)[-1]
    assert cfg.model.pretrained == (
        f'work_dirs/quickstart/pretrain/epoch_{cmd.train_cfg.max_epochs}.pth')
    assert cfg.model.modality == modality
    assert cfg.model.backbone == cmd.model.backbone  # the same encoder, defined once
    assert cfg.model.cls_head.in_channels == cmd.model.neck.in_channels
    assert cfg.model.cls_head.num_classes == 12  # generated data: 12 actions
    assert cfg.train_dataloader.dataset.ann_file == cmd.train_dataloader.dataset.ann_file
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        assert _no_stream_in_pipeline(loader)
