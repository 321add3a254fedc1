"""Export one pretrained encoder of a CMD / IKEM checkpoint to stock mmaction2.

A pretraining checkpoint of this project (``CMD``, ``IKEMTeacher``) holds, per
modality, a query encoder ``encoder_q.<modality>.{backbone,neck,head}.*``. This
tool keeps the backbone of one modality and renames it to mmaction2's recognizer
layout::

    encoder_q.<modality>.backbone.X   ->   backbone.X

so the result loads into a stock ``RecognizerGCN`` (``load_from=OUT`` or
``mmengine.runner.load_checkpoint``), whose new ``cls_head`` is the only missing
part. For an ST-GCN the tool prints the ``--cfg-options`` that fit mmaction2's own
ST-GCN configs to it (our 1/4-width encoder: ``base_channels=16``,
``inflate_stages=[5,8,9,10]``, ``tcn_dropout=0.5``, ``cls_head.in_channels=256``),
read from the exported widths. ``SkeletonGlobalPool`` (the CMD ST-GCN neck) has no weights and pools like
``GCNHead``; ``BiGRU`` needs the ``cmd_mmaction`` plugin (``LinearClsHead``).
The output holds tensors only (``meta`` is plain strings), so it loads with
``torch.load(weights_only=True)``; it is written atomically.

Usage::

    python tools/convert_to_mmaction.py work_dirs/cmd_stgcn.../epoch_451.pth \
        stgcn_joint_mmaction.pth --modality joint
    # another key layout, e.g. an IKEM student: --prefix encoder_student.joint.backbone.
"""
import argparse
import os
import sys
from collections import OrderedDict
from typing import Dict, List, Optional

import torch

from cmd_mmaction.engine.checkpoint_trust import load_checkpoint_file, trust_checkpoint
from cmd_mmaction.utils.atomic_io import torch_save_atomic


def backbone_prefixes(state_dict: Dict[str, torch.Tensor]) -> List[str]:
    """Every ``<...>.backbone.`` prefix in ``state_dict`` (for error messages)."""
    return sorted({key[:key.index('.backbone.') + len('.backbone.')]
                   for key in state_dict if '.backbone.' in key})


def convert_state_dict(state_dict: Dict[str, torch.Tensor],
                       prefix: str) -> 'OrderedDict[str, torch.Tensor]':
    """``prefix + X`` -> ``backbone.X``; other keys are dropped.

    Raises:
        ValueError: no key starts with ``prefix`` (the message lists the
            backbones the checkpoint has).
    """
    if not prefix.endswith('.'):
        prefix += '.'
    out = OrderedDict(('backbone.' + key[len(prefix):], value)
                      for key, value in state_dict.items() if key.startswith(prefix))
    if not out:
        raise ValueError(f'no key starts with {prefix!r}; backbones in this checkpoint: '
                         f'{backbone_prefixes(state_dict) or "none"}')
    return out


#: what mmaction2's STGCN builds unless told otherwise (its stock configs rely on them)
STOCK_STGCN = dict(base_channels=64, inflate_stages=[5, 8], num_stages=10)
#: our ST-GCN encoder trains with dropout in blocks 2-10 (configs/_base_/encoders/
#: stgcn-w16.py); not in the weights, so the stock configs' 0 would load silently
OUR_TCN_DROPOUT = 0.5


def stgcn_overrides(state_dict: Dict[str, torch.Tensor]) -> Optional[List[str]]:
    """``--cfg-options`` that make a stock mmaction2 ST-GCN config fit an exported
    ST-GCN (``backbone.*`` keys), read from the block widths; None for other backbones.

    The width of block ``i`` is the output size of its temporal convolution; a stock
    ``STGCN`` starts at ``base_channels`` and doubles (``ch_ratio`` 2) at every stage
    in ``inflate_stages`` (1-based).
    """
    widths = {}
    for key, value in state_dict.items():
        parts = key.split('.')
        if parts[:2] == ['backbone', 'gcn'] and parts[3:] == ['tcn', 'conv', 'weight']:
            widths[int(parts[2])] = int(value.shape[0])
    if not widths:
        return None
    widths = [widths[i] for i in sorted(widths)]
    inflate = [i + 1 for i in range(1, len(widths)) if widths[i] != widths[i - 1]]
    if any(widths[i - 1] != 2 * widths[i - 2] for i in inflate):
        raise ValueError(f'block widths {widths}: not a stock STGCN (ch_ratio 2)')
    found = dict(base_channels=widths[0], inflate_stages=inflate, num_stages=len(widths))
    options = [f'model.backbone.{k}={str(v).replace(" ", "")}'
               for k, v in found.items() if v != STOCK_STGCN[k]]
    return options + [f'model.backbone.tcn_dropout={OUR_TCN_DROPOUT}',
                      f'model.cls_head.in_channels={widths[-1]}']


def load_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The ``state_dict`` of a checkpoint the user named (trusted for unpickling)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{path}: no such checkpoint')
    trust_checkpoint(path)
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise ValueError(f'{path}: expected a checkpoint dict with a "state_dict"')
    return state


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export one encoder of a CMD/IKEM checkpoint as an mmaction2 backbone')
    parser.add_argument('src', help='pretraining checkpoint of this project (.pth)')
    parser.add_argument('dst', help='output .pth with backbone.* keys')
    parser.add_argument('--modality', default='joint',
                        help='which query encoder (default: joint)')
    parser.add_argument('--prefix', help='key prefix to export instead of '
                        'encoder_q.<modality>.backbone.')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    prefix = args.prefix or f'encoder_q.{args.modality}.backbone.'
    state = convert_state_dict(load_state_dict(args.src), prefix)
    meta = dict(converted_from=os.path.basename(args.src), prefix=prefix)
    torch_save_atomic(dict(meta=meta, state_dict=state), args.dst)
    print(f'wrote {len(state)} tensors ({prefix}* -> backbone.*) to {args.dst}')
    overrides = stgcn_overrides(state)
    if overrides:
        print("to fine-tune it with one of mmaction2's stock ST-GCN configs "
              '(configs/skeleton/stgcn/), add\n'
              f'  --cfg-options load_from={args.dst} {" ".join(overrides)}\n'
              '(tcn_dropout: what this encoder was trained with; not stored in the weights)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
