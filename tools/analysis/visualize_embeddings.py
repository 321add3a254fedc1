"""t-SNE of encoder representations, coloured by class (PNG, matplotlib Agg).

Works with a CMD / IKEM pretraining checkpoint (the encoder of ``--modality``), a
linear / finetune recognizer (pooled backbone output of its stream) or a multi-stream
one (stream ``--modality``); samples come from the config's test split (the queries of
the kNN test loader of a pretraining config)::

    python tools/analysis/visualize_embeddings.py configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py \\
        work_dirs/cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth --modality motion \\
        --out tsne_motion.png --max-samples 2000

``random-init`` instead of a checkpoint embeds the seeded initial weights (the
floor); ``--compare random-init`` draws that floor beside the checkpoint. Also writes ``<out>.npz`` with the features, labels and 2-D embedding. The
checkpoint named here is trusted for full unpickling.
"""
import argparse
import io
import os.path as osp
import sys
from typing import List, Optional

import numpy as np
from mmengine.config import DictAction

import cmd_mmaction  # noqa: F401
from cmd_mmaction.apis.embeddings import RANDOM_INIT, tsne_png
from cmd_mmaction.utils import load_config
from cmd_mmaction.utils.atomic_io import write_bytes_atomic


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='t-SNE of representations')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='PNG file')
    parser.add_argument('--compare', metavar='CHECKPOINT',
                        help=f'a second panel beside the first, e.g. {RANDOM_INIT!r}')
    parser.add_argument('--modality', default='joint', help='stream to embed')
    parser.add_argument('--max-samples', type=int, default=2000,
                        help='first N test samples (t-SNE is quadratic)')
    parser.add_argument('--perplexity', type=float, default=30.0,
                        help='capped at (samples - 1) / 3')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if not args.out.endswith('.png'):
        parser.error(f'--out must end in .png, got {args.out}')
    return args


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    name = osp.splitext(osp.basename(args.config))[0]
    panels = [(name, args.checkpoint)]
    if args.compare:
        panels.append((RANDOM_INIT if args.compare == RANDOM_INIT
                       else osp.basename(args.compare), args.compare))
    (feats, labels, points), *_ = tsne_png(
        cfg, panels, args.out, args.modality, args.max_samples,
        args.batch_size, args.perplexity, args.seed)
    npz = osp.splitext(args.out)[0] + '.npz'
    buffer = io.BytesIO()
    np.savez(buffer, features=feats, labels=labels, embedding=points)
    write_bytes_atomic(npz, buffer.getvalue())
    print(f'wrote {args.out} and {npz} ({len(labels)} samples, {feats.shape[1]}-d features'
          f'{" of the first panel" if args.compare else ""})')
    return dict(features=feats, labels=labels, embedding=points)


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'visualize_embeddings: error: {err}')
