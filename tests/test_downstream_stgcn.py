"""The ST-GCN path end to end: CMD pretraining with the quarter-width ST-GCN, then
transfer (fine-tuning the whole encoder) with stock RecognizerGCN + STGCN + GCNHead."""
import re
from pathlib import Path

import pytest
import torch

from cmd_runs import run_tool

ROOT = Path(__file__).resolve().parents[1]
CMD_CONFIG = ROOT / 'configs/cmd/cmd_stgcn-w16_1xb64-451e_ntu60-xsub-3d.py'
TRANSFER_CONFIG = ROOT / 'configs/transfer/transfer_stgcn-w16_1xb64-80e_ntu60-xsub-to-pku2-xsub-3d-joint.py'
FAST = [f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        for key in ('batch_size=4', 'num_workers=0', 'persistent_workers=False')]
TINY_GCN = ['model.backbone.num_stages=2', 'model.backbone.inflate_stages=[2]',
            'model.backbone.down_stages=[2]']


@pytest.mark.slow
def test_cmd_stgcn_pretrain_then_transfer(tmp_path, tiny_synthetic_pkl, small_synthetic_pkl):
    pre = tmp_path / 'cmd'
    run_tool([ROOT / 'tools/train.py', CMD_CONFIG, '--work-dir', pre, '--cfg-options',
              f'ann_file={tiny_synthetic_pkl}', *FAST, *TINY_GCN, 'model.neck.in_channels=32',
              'model.neck.hid_channels=32', 'model.queue_len=16', 'model.distill.topk=8',
              'train_cfg.max_epochs=1'], cwd=tmp_path)
    ckpt = pre / 'epoch_1.pth'

    work = tmp_path / 'transfer'  # "another dataset": the small set, 12 classes
    out = run_tool([ROOT / 'tools/train.py', TRANSFER_CONFIG, '--work-dir', work,
                    '--cfg-options', f'ann_file={small_synthetic_pkl}', *FAST, *TINY_GCN,
                    f'pretrained={ckpt}', 'model.cls_head.in_channels=32', 'num_classes=12',
                    'train_cfg.max_epochs=1', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1'],
                   cwd=tmp_path)
    assert 'PretrainedEncoder: loaded' in out
    top1 = [float(v) for v in re.findall(r'acc/top1: ([0-9.]+)', out)]
    assert top1 and 0 <= top1[-1] <= 1
    # the whole encoder was fine-tuned, starting from the pretrained joint encoder
    before = torch.load(ckpt, weights_only=False)['state_dict']
    after = torch.load(work / 'epoch_1.pth', weights_only=False)['state_dict']
    key = next(k for k in after if k.startswith('backbone.') and k.endswith('conv.weight'))
    start = before['encoder_q.joint.' + key]
    assert after[key].shape == start.shape and not torch.equal(after[key], start)
    # ... by SGD steps from it, not from a fresh init: still close to the start
    assert (after[key] - start).norm() < 0.1 * start.norm()
