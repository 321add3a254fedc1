"""The training step never waits for the device: no host reads of tensors in the
model code (scanned), and on CUDA a real CMD step under ``sync_debug_mode='error'``."""
import re
from pathlib import Path

import pytest
import torch

import cmd_mmaction  # noqa: F401

MODELS_DIR = Path(__file__).resolve().parents[1] / 'cmd_mmaction' / 'models'
HOST_READS = re.compile(r'\.(item|cpu|tolist|numpy)\(\)')


def test_model_code_reads_no_tensor_on_the_host():
    found = [f'{path.relative_to(MODELS_DIR)}:{number}: {line.strip()}'
             for path in sorted(MODELS_DIR.rglob('*.py'))
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if HOST_READS.search(line.split('#')[0])]
    assert not found, 'host reads (device syncs) in model code:\n' + '\n'.join(found)


def test_the_scan_catches_a_host_read():
    assert HOST_READS.search('acc = (pred == 0).float().mean().item()')
    assert not HOST_READS.search("ckpt = load(path, map_location='cpu')")


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA (sync debug mode)')
def test_cuda_cmd_step_has_no_sync():
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    model = MODELS.build(dict(type='CMD', backbone=dict(type='BiGRU', hidden=16, num_layers=2),
                              neck=dict(type='ProjectionNeck', in_channels=32, out_channels=8),
                              queue_len=16, distill=dict(type='CMDLoss', topk=8))).cuda()
    x = torch.randn(4, 2, 2, 12, 25, 3, device='cuda')
    model.loss(x, [ActionDataSample() for _ in range(4)])  # warm-up (lazy init)
    torch.cuda.set_sync_debug_mode('error')
    try:
        losses = model.loss(x, [ActionDataSample() for _ in range(4)])
        sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    finally:
        torch.cuda.set_sync_debug_mode('default')
