"""Merge single-stream recognizer checkpoints into one MultiStreamRecognizer checkpoint.

    python tools/analysis/merge_streams.py \\
        joint=work_dirs/linear_bigru_..._joint/epoch_80.pth \\
        motion=work_dirs/linear_bigru_..._motion/epoch_80.pth \\
        bone=work_dirs/linear_bigru_..._bone/epoch_80.pth -o work_dirs/fusion/3s.pth
    python tools/test.py configs/fusion/fusion-3s_bigru_..._ntu60-xsub-3d.py work_dirs/fusion/3s.pth

Stream names must be those of the fusion config's ``model.streams``. Checkpoint
files named here are trusted for full unpickling (you named them).
"""
import argparse
import sys
from typing import List, Optional


import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import trust_checkpoint
from cmd_mmaction.models.recognizers import merge_stream_checkpoints
from cmd_mmaction.utils.atomic_io import torch_save_atomic


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Merge per-stream checkpoints')
    parser.add_argument('streams', nargs='+', help='NAME=CHECKPOINT, one per stream')
    parser.add_argument('-o', '--out', required=True, help='merged checkpoint (.pth)')
    args = parser.parse_args(argv)
    pairs = {}
    for item in args.streams:
        name, sep, path = item.partition('=')
        if not sep or not name or not path:
            parser.error(f'expected NAME=CHECKPOINT, got {item!r}')
        if name in pairs:
            parser.error(f'stream {name!r} given twice')
        pairs[name] = path
    args.streams = pairs
    return args


def main(argv: Optional[List[str]] = None) -> str:
    args = parse_args(argv)
    for path in args.streams.values():
        trust_checkpoint(path)
    merged = merge_stream_checkpoints(args.streams)
    torch_save_atomic(dict(state_dict=merged, meta=dict(streams=args.streams)), args.out)
    print(f'wrote {args.out}: streams {list(args.streams)}, {len(merged)} tensors')
    return args.out


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'merge_streams: error: {err}')
