"""MSR Action3D configs (real Kinect recordings, layout 'msr20'): they fit the data and
each other, and CMD pretraining -> kNN / linear evaluation and supervised training run
end to end on the real recordings in ../shared/data (tiny encoders, one epoch)."""
from pathlib import Path

import pytest
import cmd_mmaction  # noqa: F401
from cmd_mmaction.datasets.converters.msr_action3d import convert_msr_action3d
from cmd_mmaction.skeleton.layouts import stgcn_graph_layout
from cmd_mmaction.utils import load_config
from cmd_runs import run_tool
from adam_variants import assert_only_the_optimizer_differs

ROOT = Path(__file__).resolve().parents[1]
MSR = ROOT.parent / 'shared' / 'data' / 'msr_action3d'
CMD = ROOT / 'configs/cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py'
MOCO = ROOT / 'configs/moco/moco_bigru-h128_1xb32-120e_msr-xsub-3d.py'
CMD_ADAM = ROOT / 'configs/cmd/cmd_bigru-h128_1xb32-120e-adam_msr-xsub-3d.py'
MOCO_ADAM = ROOT / 'configs/moco/moco_bigru-h128_1xb32-120e-adam_msr-xsub-3d.py'
STGCN = ROOT / 'configs/cmd/cmd_stgcn-w16_1xb32-120e_msr-xsub-3d.py'
LINEAR = ROOT / 'configs/linear/linear_bigru-h128_1xb32-20e_msr-xsub-3d-{}.py'
SUPERVISED = ROOT / 'configs/supervised/bigru-h128_1xb32-40e_msr-xsub-3d-joint.py'


def test_moco_is_cmd_without_distillation():
    cmd, moco = load_config(str(CMD)), load_config(str(MOCO))
    assert moco.model.pairs == () and cmd.model.pairs is None  # None: all 6 pairs
    moco.model.pairs = cmd.model.pairs
    assert moco.model.to_dict() == cmd.model.to_dict()
    assert moco.train_dataloader.to_dict() == cmd.train_dataloader.to_dict()
    assert moco.param_scheduler == cmd.param_scheduler and moco.train_cfg == cmd.train_cfg


def test_the_adam_configs_differ_only_in_the_optimizer():
    assert_only_the_optimizer_differs(CMD, CMD_ADAM)
    assert_only_the_optimizer_differs(MOCO, MOCO_ADAM)


def test_configs_fit_the_msr_skeleton():
    cmd = load_config(str(CMD))
    assert cmd.model.layout == 'msr20'
    assert (cmd.model.backbone.num_joints, cmd.model.backbone.num_person) == (20, 1)
    assert cmd.model.distill.topk <= cmd.model.queue_len
    # hyper-parameter monitoring stays on training subjects; the test loader is the kNN
    # protocol on the test subjects
    assert cmd.val_dataloader.dataset.bank.split == 'xsub_train_tune'
    assert cmd.val_dataloader.dataset.query.split == 'xsub_val_tune'
    assert cmd.test_dataloader.dataset.bank.split == 'xsub_train'
    assert cmd.test_dataloader.dataset.query.split == 'xsub_val'
    assert cmd.train_dataloader.dataset.pipeline[0] == dict(type='CMDPreNormalize',
                                                            layout='msr20')
    graph = load_config(str(STGCN)).model.backbone.graph_cfg.layout
    assert graph.num_node == 20 and graph.center == 6
    assert sorted(map(tuple, graph.inward)) == sorted(stgcn_graph_layout('msr20')['inward'])
    for stream in ('joint', 'motion', 'bone'):
        linear = load_config(str(LINEAR).format(stream))
        assert (linear.model.modality, linear.model.layout) == (stream, 'msr20')
        assert linear.model.pretrained_prefix == 'encoder_q.{modality}.backbone.'
        assert linear.model.cls_head.num_classes == 20
        assert linear.model.backbone.hidden == cmd.model.backbone.hidden
        assert linear.test_dataloader.dataset.split == 'xsub_val'
        assert linear.test_dataloader.dataset.num_classes == 20


@pytest.fixture(scope='module')
def msr_pkl(tmp_path_factory):
    if not MSR.is_dir():
        pytest.skip(f'{MSR} absent (third-party data, provided beside the repository in CI)')
    out = tmp_path_factory.mktemp('msr') / 'msr_action3d.pkl'
    convert_msr_action3d(MSR, out, progress=False)
    return out


TINY = ['backbone.hidden=8', 'backbone.num_layers=1', 'neck.in_channels=16',
        'neck.hid_channels=16', 'cls_head.in_channels=16']
FAST = [f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        for key in ('num_workers=0', 'persistent_workers=False')]


@pytest.mark.slow
def test_pretrain_knn_linear_and_supervised_on_real_recordings(msr_pkl, tmp_path):
    data = [f'ann_file={msr_pkl}']  # every dataset of the configs reads '{ann_file}'
    pre = tmp_path / 'cmd'
    one_epoch = ['train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1']
    run_tool([ROOT / 'tools/train.py', CMD, '--work-dir', pre, '--cfg-options', *data, *FAST,
              *TINY, *one_epoch], cwd=tmp_path)
    ckpt = pre / 'epoch_1.pth'
    # kNN: the pretraining config's test loader, test subjects vs all training subjects
    out = run_tool([ROOT / 'tools/test.py', CMD, ckpt, '--work-dir', tmp_path / 'knn',
                    '--cfg-options', *data, *FAST, *TINY], cwd=tmp_path)
    assert 'knn/fused_top1' in out and '284 bank / 273 query samples' in out
    out = run_tool([ROOT / 'tools/train.py', str(LINEAR).format('bone'), '--work-dir',
                    tmp_path / 'linear', '--cfg-options', *data, *FAST, *TINY,
                    f'pretrained={ckpt}', *one_epoch], cwd=tmp_path)
    assert "PretrainedEncoder: loaded" in out and "'encoder_q.bone.backbone.'" in out
    assert 'acc/top1' in out
    out = run_tool([ROOT / 'tools/train.py', SUPERVISED, '--work-dir', tmp_path / 'sup',
                    '--cfg-options', *data, *FAST, *TINY, *one_epoch], cwd=tmp_path)
    assert 'acc/top1' in out
