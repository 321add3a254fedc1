"""Convert an official CMD pretraining checkpoint (maoyunyao/CMD) to this project.

The official ``moco/builder_cmd.py`` model stores, per modality suffix
('' = joint, '_motion', '_bone'), a query and a key ``BIGRU`` and a queue::

    encoder_q{s}.input_norm.*      -> encoder_q.<mod>.backbone.input_norm.*
    encoder_q{s}.encoder.gru.*     -> encoder_q.<mod>.backbone.gru.*
    encoder_q{s}.fc.{0,2}.*        -> encoder_q.<mod>.neck.mlp.{0,2}.*  (--mlp head)
    encoder_q{s}.fc.*              -> encoder_q.<mod>.neck.mlp.0.*      (linear head)
    encoder_k{s}.<same>            -> encoder_k.<mod>.module.<same mapping>
    queue{s}, queue_ptr{s}         -> queues.<mod>.queue, queues.<mod>.ptr

(``module.`` prefixes of DistributedDataParallel checkpoints are removed.) Each
converted key encoder gets ``steps = 1`` so that the first momentum update
averages instead of copying the query encoder. The result loads with
``strict=True`` into ``CMD`` built from ``configs/_base_/models/cmd_bigru.py``
(``mode='official'``).

Usage::

    python tools/convert_official_cmd.py checkpoint_0450.pth.tar cmd_ntu60_xsub.pth
    # one backbone only (keys without prefix, for a downstream init_cfg/load_from):
    python tools/convert_official_cmd.py checkpoint_0450.pth.tar joint_bigru.pth \
        --backbone-only joint
"""
import argparse
import os
import re
import sys
from collections import OrderedDict
from typing import Dict, List, Optional

import torch

from cmd_mmaction.utils.atomic_io import torch_save_atomic

SUFFIX_TO_MODALITY = {'': 'joint', '_motion': 'motion', '_bone': 'bone'}
_ENCODER_KEY = re.compile(r'^encoder_([qk])(_motion|_bone)?\.(.+)$')
_QUEUE_KEY = re.compile(r'^queue(_ptr)?(_motion|_bone)?$')


def _encoder_part(rest: str) -> Optional[str]:
    """Key inside one official BIGRU -> key inside our SkeletonEncoder."""
    if rest.startswith('input_norm.'):
        return 'backbone.' + rest
    if rest.startswith('encoder.gru.'):
        return 'backbone.' + rest[len('encoder.'):]
    match = re.match(r'^fc\.(\d+\.)?(weight|bias)$', rest)
    if match:
        return f'neck.mlp.{match.group(1) or "0."}{match.group(2)}'
    return None


def convert_state_dict(official: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Rename an official CMD ``state_dict`` to our ``CMD`` naming.

    Raises:
        ValueError: on keys that are not part of the official model, or when
            no query encoder is present.
    """
    converted, unknown = OrderedDict(), []
    key_modalities = set()
    for key, value in official.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        enc, queue = _ENCODER_KEY.match(key), _QUEUE_KEY.match(key)
        if enc:
            role, suffix, rest = enc.groups()
            modality = SUFFIX_TO_MODALITY[suffix or '']
            part = _encoder_part(rest)
            if part is None:
                unknown.append(key)
                continue
            prefix = f'encoder_q.{modality}.' if role == 'q' else f'encoder_k.{modality}.module.'
            if role == 'k':
                key_modalities.add(modality)
            converted[prefix + part] = value
        elif queue:
            is_ptr, suffix = queue.groups()
            modality = SUFFIX_TO_MODALITY[suffix or '']
            converted[f'queues.{modality}.' + ('ptr' if is_ptr else 'queue')] = (
                value.reshape(()).long() if is_ptr else value)
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f'not an official CMD checkpoint: unexpected keys {unknown[:10]}'
                         + (f' (+{len(unknown) - 10} more)' if len(unknown) > 10 else ''))
    if not any(k.startswith('encoder_q.') for k in converted):
        raise ValueError('not an official CMD checkpoint: no encoder_q* keys')
    for modality in sorted(key_modalities):
        converted[f'encoder_k.{modality}.steps'] = torch.tensor(1, dtype=torch.long)
    return converted


def backbone_state_dict(converted: Dict[str, torch.Tensor],
                        modality: str) -> 'OrderedDict[str, torch.Tensor]':
    """The query backbone of one modality, keys relative to the backbone."""
    prefix = f'encoder_q.{modality}.backbone.'
    out = OrderedDict((k[len(prefix):], v) for k, v in converted.items() if k.startswith(prefix))
    if not out:
        raise ValueError(f'no query backbone for modality {modality!r} in the checkpoint')
    return out


def load_official(path: str) -> Dict[str, torch.Tensor]:
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{path}: no such checkpoint')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # pickle content beyond tensors/containers
        raise ValueError(f'{path}: cannot be loaded with weights_only=True ({err})') from err
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path}: expected a dict checkpoint, got {type(checkpoint).__name__}')
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, dict):
        raise ValueError(f'{path}: "state_dict" is not a dict')
    return state


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Convert an official CMD checkpoint')
    parser.add_argument('src', help='official checkpoint (e.g. checkpoint_0450.pth.tar)')
    parser.add_argument('dst', help='output .pth (mmengine checkpoint layout)')
    parser.add_argument('--backbone-only', choices=sorted(SUFFIX_TO_MODALITY.values()),
                        help='write only this modality\'s query backbone')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    state = convert_state_dict(load_official(args.src))
    if args.backbone_only:
        state = backbone_state_dict(state, args.backbone_only)
    meta = dict(converted_from=os.path.basename(args.src),
                source='maoyunyao/CMD', backbone_only=args.backbone_only)
    torch_save_atomic(dict(meta=meta, state_dict=state), args.dst)
    print(f'wrote {len(state)} tensors to {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
