"""MSR Action3D configs (real Kinect recordings, layout 'msr20'): they fit the data and
each other, and CMD pretraining -> kNN / linear evaluation and supervised training run
end to end on the real recordings in ../shared/data (tiny encoders, one epoch)."""
from pathlib import Path

import pytest
from mmengine.config import Config

import cmd_mmaction  # noqa: F401
from cmd_mmaction.datasets.converters.msr_action3d import convert_msr_action3d
from cmd_mmaction.skeleton.layouts import stgcn_graph_layout
from cmd_runs import run_tool

ROOT = Path(__file__).resolve().parents[1]
MSR = ROOT.parent / 'shared' / 'data' / 'msr_action3d'
CMD = ROOT / 'configs/cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py'
MOCO = ROOT / 'configs/moco/moco_bigru-h128_1xb32-120e_msr-xsub-3d.py'
STGCN = ROOT / 'configs/cmd/cmd_stgcn-w16_1xb32-120e_msr-xsub-3d.py'
LINEAR = ROOT / 'configs/linear/linear_bigru-h128_1xb32-20e_msr-xsub-3d-{}.py'
SUPERVISED = ROOT / 'configs/supervised/bigru-h128_1xb32-40e_msr-xsub-3d-joint.py'
KNN = ROOT / 'configs/knn/knn_bigru-h128_msr-xsub-3d.py'


def test_moco_is_cmd_without_distillation():
    cmd, moco = Config.fromfile(str(CMD)), Config.fromfile(str(MOCO))
    assert moco.model.pairs == () and cmd.model.pairs is None  # None: all 6 pairs
    moco.model.pairs = cmd.model.pairs
    assert moco.model.to_dict() == cmd.model.to_dict()
    assert moco.train_dataloader.to_dict() == cmd.train_dataloader.to_dict()
    assert moco.param_scheduler == cmd.param_scheduler and moco.train_cfg == cmd.train_cfg


def test_configs_fit_the_msr_skeleton():
    cmd = Config.fromfile(str(CMD))
    assert cmd.model.layout == 'msr20'
    assert (cmd.model.backbone.num_joints, cmd.model.backbone.num_person) == (20, 1)
    assert cmd.model.topk <= cmd.model.queue_len
    # hyper-parameter monitoring stays on training subjects
    assert cmd.val_dataloader.dataset.bank.split == 'xsub_train_tune'
    assert cmd.val_dataloader.dataset.query.split == 'xsub_val_tune'
    graph = Config.fromfile(str(STGCN)).model.backbone.graph_cfg.layout
    assert graph.num_node == 20 and graph.center == 6
    assert sorted(map(tuple, graph.inward)) == sorted(stgcn_graph_layout('msr20')['inward'])
    for stream in ('joint', 'motion', 'bone'):
        linear = Config.fromfile(str(LINEAR).format(stream))
        assert linear.model.backbone.init_cfg.prefix == f'encoder_q.{stream}.backbone.'
        for loader in (linear.train_dataloader, linear.test_dataloader):
            (gen, ) = [t for t in loader.dataset.pipeline if t['type'] == 'GenModality']
            assert gen.modalities == [stream] and gen.layout == 'msr20'
        assert linear.model.cls_head.num_classes == 20
        assert linear.model.backbone.hidden == cmd.model.backbone.hidden
        assert linear.test_dataloader.dataset.split == 'xsub_val'


@pytest.fixture(scope='module')
def msr_pkl(tmp_path_factory):
    if not MSR.is_dir():
        pytest.skip(f'{MSR} absent (third-party data, provided beside the repository in CI)')
    out = tmp_path_factory.mktemp('msr') / 'msr_action3d.pkl'
    convert_msr_action3d(MSR, out, progress=False)
    return out


TINY = ['model.backbone.hidden=8', 'model.backbone.num_layers=1']
FAST = [f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        for key in ('num_workers=0', 'persistent_workers=False')]


def test_pretrain_knn_linear_and_supervised_on_real_recordings(msr_pkl, tmp_path):
    data = [f'train_dataloader.dataset.ann_file={msr_pkl}'] + [
        f'{loader}.dataset.{part}.ann_file={msr_pkl}'
        for loader in ('val_dataloader', 'test_dataloader') for part in ('bank', 'query')]
    pre = tmp_path / 'cmd'
    run_tool([ROOT / 'tools/train.py', CMD, '--work-dir', pre, '--cfg-options', *data, *FAST,
              *TINY, 'model.head.in_channels=16', 'model.head.hid_channels=16',
              'train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1'],
             cwd=tmp_path)
    ckpt = pre / 'epoch_1.pth'
    # kNN on the test subjects, bank = all training subjects
    out = run_tool([ROOT / 'tools/test.py', KNN, ckpt, '--work-dir', tmp_path / 'knn',
                    '--cfg-options', *data, *FAST, *TINY, 'model.head.in_channels=16',
                    'model.head.hid_channels=16'], cwd=tmp_path)
    assert 'knn/fused_top1' in out and '284 bank / 273 query samples' in out
    labelled = [f'{loader}.dataset.ann_file={msr_pkl}'
                for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    out = run_tool([ROOT / 'tools/train.py', str(LINEAR).format('bone'), '--work-dir',
                    tmp_path / 'linear', '--cfg-options', *labelled, *FAST, *TINY,
                    f'model.backbone.init_cfg.checkpoint={ckpt}', 'model.cls_head.in_channels=16',
                    'train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1'],
                   cwd=tmp_path)
    assert 'PretrainedEncoder: loaded' in out and 'acc/top1' in out
    out = run_tool([ROOT / 'tools/train.py', SUPERVISED, '--work-dir', tmp_path / 'sup',
                    '--cfg-options', *labelled, *FAST, *TINY, 'model.cls_head.in_channels=16',
                    'train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1'],
                   cwd=tmp_path)
    assert 'acc/top1' in out
