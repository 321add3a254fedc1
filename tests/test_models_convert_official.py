"""tools/convert_official_cmd.py: an official-layout CMD checkpoint loads into our CMD."""
import sys
from pathlib import Path

import pytest
import torch
import torch.nn as nn

import cmd_mmaction  # noqa: F401
from mmaction.registry import MODELS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import convert_official_cmd as convert  # noqa: E402

IN, HID, DIM, K = 150, 8, 16, 32


class OfficialBIGRU(nn.Module):
    """The attribute layout of the official ``moco/GRU.py`` BIGRU with the ``--mlp`` head."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.gru = nn.GRU(IN, HID, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Sequential(nn.Linear(2 * HID, 2 * HID), nn.ReLU(), nn.Linear(2 * HID, DIM))
        self.input_norm = nn.BatchNorm1d(IN)


def _official_state():
    torch.manual_seed(0)
    state = {}
    for suffix in ('', '_motion', '_bone'):
        for role in ('q', 'k'):
            for key, value in OfficialBIGRU().state_dict().items():
                state[f'module.encoder_{role}{suffix}.{key}'] = value
        state[f'module.queue{suffix}'] = torch.randn(DIM, K)
        state[f'module.queue_ptr{suffix}'] = torch.tensor([5])
    return state


def _cmd():
    return MODELS.build(dict(
        type='CMD', backbone=dict(type='BiGRU', hidden=HID, num_layers=2),
        neck=dict(type='ProjectionNeck', in_channels=2 * HID, out_channels=DIM),
        queue_len=K, distill=dict(type='CMDLoss', topk=8)))


def test_converted_checkpoint_loads_strictly_with_the_same_tensors(tmp_path):
    official = _official_state()
    src, dst = tmp_path / 'checkpoint_0450.pth.tar', tmp_path / 'ours.pth'
    torch.save(dict(epoch=451, state_dict=official), src)
    assert convert.main([str(src), str(dst)]) == 0
    model = _cmd()
    model.load_state_dict(torch.load(dst, weights_only=True)['state_dict'], strict=True)
    ours = model.state_dict()
    pairs = {'encoder_q.motion.backbone.gru.weight_hh_l1_reverse':
             'module.encoder_q_motion.encoder.gru.weight_hh_l1_reverse',
             'encoder_k.bone.module.backbone.input_norm.running_var':
             'module.encoder_k_bone.input_norm.running_var',
             'encoder_q.joint.neck.mlp.2.weight': 'module.encoder_q.fc.2.weight',
             'queues.bone.queue': 'module.queue_bone'}
    for our_key, official_key in pairs.items():
        assert torch.equal(ours[our_key], official[official_key])
    assert int(ours['queues.joint.ptr']) == 5
    # converted key encoders average (not copy) at the first momentum update
    assert int(ours['encoder_k.joint.steps']) == 1


def test_backbone_only_and_bad_input(tmp_path):
    src = tmp_path / 'official.pth'
    torch.save(_official_state(), src)
    out = tmp_path / 'joint.pth'
    convert.main([str(src), str(out), '--backbone-only', 'joint'])
    backbone = MODELS.build(dict(type='BiGRU', hidden=HID, num_layers=2))
    backbone.load_state_dict(torch.load(out, weights_only=True)['state_dict'], strict=True)

    torch.save({'module.encoder_q.unknown.weight': torch.zeros(1)}, src)
    with pytest.raises(ValueError, match='unexpected keys'):
        convert.main([str(src), str(out)])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        convert.main([str(tmp_path / 'missing.pth'), str(out)])
