"""tools/convert_to_mmaction.py: a CMD encoder exported to stock mmaction2 gives the same
features as ``CMD.extract_feat``."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

from cmd_runs import ROOT  # also puts the repository root on sys.path
from tools import convert_to_mmaction

import cmd_mmaction  # noqa: F401
from cmd_mmaction.utils import load_config
from mmaction.registry import MODELS

CMD_STGCN = ROOT / 'configs/cmd/cmd_stgcn-w16_1xb64-451e_ntu60-xsub-3d.py'


def tiny_cmd_stgcn():
    init_default_scope('mmaction')
    cfg = load_config(str(CMD_STGCN)).model
    cfg.update(queue_len=16)
    cfg.distill.topk = 4
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    # non-default weights and BN statistics, so that a wrong or partial load shows
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.add_(0.05 * torch.randn_like(param))
    model.train()
    for _ in range(2):
        model.extract_feat(torch.randn(4, 1, 2, 16, 25, 3), 'joint')
    return model.eval(), cfg


def stock_recognizer(cmd_cfg, num_classes=5):
    """mmaction2's RecognizerGCN + STGCN + GCNHead, nothing from cmd_mmaction."""
    return MODELS.build(dict(
        type='RecognizerGCN', backbone=copy.deepcopy(cmd_cfg.backbone),
        cls_head=dict(type='GCNHead', num_classes=num_classes, in_channels=256)))


def test_convert_state_dict_renames_one_backbone_and_drops_the_rest():
    state = {'encoder_q.joint.backbone.a.weight': torch.ones(1),
             'encoder_q.joint.head.mlp.0.weight': torch.ones(1),
             'encoder_q.bone.backbone.a.weight': torch.zeros(1),
             'encoder_k.joint.module.backbone.a.weight': torch.zeros(1),
             'queues.joint.queue': torch.zeros(1)}
    out = convert_to_mmaction.convert_state_dict(state, 'encoder_q.joint.backbone')
    assert list(out) == ['backbone.a.weight'] and out['backbone.a.weight'].item() == 1
    with pytest.raises(ValueError, match=r"encoder_q\.motion\.backbone\..*encoder_q\.bone"):
        convert_to_mmaction.convert_state_dict(state, 'encoder_q.motion.backbone.')


def test_exported_stgcn_matches_cmd_features(tmp_path):
    cmd, cfg = tiny_cmd_stgcn()
    src, dst = tmp_path / 'cmd.pth', tmp_path / 'out' / 'stgcn_joint.pth'
    torch.save(dict(state_dict=cmd.state_dict(), meta=dict(epoch=1)), src)
    dst.parent.mkdir()
    dst.write_bytes(b'stale')  # replaced whole
    assert convert_to_mmaction.main([str(src), str(dst), '--modality', 'joint']) == 0
    assert [p.name for p in dst.parent.iterdir()] == ['stgcn_joint.pth']  # no temp left

    exported = torch.load(dst, map_location='cpu', weights_only=True)  # tensors only
    expected = {k[len('encoder_q.joint.'):]: v for k, v in cmd.state_dict().items()
                if k.startswith('encoder_q.joint.backbone.')}
    assert set(exported['state_dict']) == set(expected)

    model = stock_recognizer(cfg)
    model.init_weights()
    load_checkpoint(model, str(dst), map_location='cpu', strict=False)
    missing, unexpected = model.load_state_dict(exported['state_dict'], strict=False)
    assert unexpected == [] and sorted(missing) == ['cls_head.fc.bias', 'cls_head.fc.weight']
    model.eval()

    pooled = []
    model.cls_head.fc.register_forward_hook(lambda mod, args, out: pooled.append(args[0]))
    torch.manual_seed(1)
    inputs = torch.randn(3, 1, 2, 16, 25, 3)
    with torch.no_grad():
        scores, _ = model.extract_feat(inputs, stage='head')  # backbone -> GCNHead
        ours = cmd.extract_feat(inputs, 'joint')
    assert scores.shape == (3, 5) and ours.shape == (3, 256)
    torch.testing.assert_close(pooled[0], ours, rtol=1e-5, atol=1e-6)
    # a stock model left at random init does not (the load mattered)
    fresh = stock_recognizer(cfg).eval()
    with torch.no_grad():
        fresh_feat = fresh.backbone(inputs[:, 0]).mean(dim=(3, 4)).mean(dim=1)
    assert not torch.allclose(fresh_feat, ours, atol=1e-3)


def test_export_of_a_tools_train_checkpoint_loads_into_a_bigru_recognizer(tmp_path,
                                                                           tiny_synthetic_pkl):
    """A real mmengine checkpoint (message hub, optimizer: needs the trusted full load)."""
    from cmd_runs import train
    runner = train(tmp_path / 'cmd', tiny_synthetic_pkl, 1)
    cmd = runner.model.eval()
    dst = tmp_path / 'bone.pth'
    assert convert_to_mmaction.main([str(tmp_path / 'cmd/epoch_1.pth'), str(dst),
                                     '--modality', 'bone']) == 0
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='BiGRU', hidden=8, num_layers=1),
        cls_head=dict(type='LinearClsHead', num_classes=12, in_channels=16))).eval()
    load_checkpoint(model, str(dst), map_location='cpu', strict=False)
    inputs = torch.randn(2, 1, 2, 12, 25, 3)
    with torch.no_grad():
        # the recognizer is fed the bone stream; CMD computes it from the joints
        bones = cmd.modality('bone', inputs)
        torch.testing.assert_close(model.extract_feat(bones)[0],
                                   cmd.extract_feat(inputs, 'bone'))


def test_export_loads_into_mmaction2s_own_stgcn_config_with_the_printed_overrides(tmp_path,
                                                                                 capsys):
    """The overrides the tool prints turn mmaction2's shipped ST-GCN config into our
    encoder: every exported tensor loads, only the new classifier is missing."""
    import mmaction
    from mmengine.config import Config

    from cmd_mmaction.utils import parse_options
    stock_file = (osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs', 'skeleton',
                           'stgcn', 'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'))
    cmd, _ = tiny_cmd_stgcn()
    src, dst = tmp_path / 'cmd.pth', tmp_path / 'stgcn_joint.pth'
    torch.save(dict(state_dict=cmd.state_dict(), meta=dict(epoch=1)), src)
    assert convert_to_mmaction.main([str(src), str(dst)]) == 0
    line, = [ln for ln in capsys.readouterr().out.splitlines() if '--cfg-options' in ln]
    options = line.split('--cfg-options', 1)[1].split()
    assert options == [f'load_from={dst}', 'model.backbone.base_channels=16',
                       'model.backbone.inflate_stages=[5,8,9,10]',
                       'model.backbone.tcn_dropout=0.5', 'model.cls_head.in_channels=256']

    stock = Config.fromfile(stock_file)
    stock.merge_from_dict(parse_options(options))
    init_default_scope('mmaction')
    model = MODELS.build(stock.model).eval()
    exported = torch.load(stock.load_from, map_location='cpu', weights_only=True)
    missing, unexpected = model.load_state_dict(exported['state_dict'], strict=False)
    assert unexpected == [] and sorted(missing) == ['cls_head.fc.bias', 'cls_head.fc.weight']
    inputs = torch.randn(2, 1, 2, 16, 25, 3)
    with torch.no_grad():
        stock_feat = model.backbone(inputs[:, 0]).mean(dim=(3, 4)).mean(dim=1)
        torch.testing.assert_close(stock_feat, cmd.extract_feat(inputs, 'joint'),
                                   rtol=1e-5, atol=1e-6)


def test_stgcn_overrides_are_read_from_the_widths_and_absent_for_other_backbones():
    def widths_state(widths):
        return {f'backbone.gcn.{i}.tcn.conv.weight': torch.zeros(w, w, 9, 1)
                for i, w in enumerate(widths)}
    stock = widths_state([64, 64, 64, 64, 128, 128, 128, 256, 256, 256])
    assert convert_to_mmaction.stgcn_overrides(stock) == [
        'model.backbone.tcn_dropout=0.5', 'model.cls_head.in_channels=256']
    assert convert_to_mmaction.stgcn_overrides({'backbone.gru.weight_ih_l0': torch.zeros(1)}) \
        is None
    with pytest.raises(ValueError, match='ch_ratio 2'):
        convert_to_mmaction.stgcn_overrides(widths_state([16, 16, 48]))
