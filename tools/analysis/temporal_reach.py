"""How far back in a clip does an encoder's representation reach?

For each modality of a pretraining model, the representation of every test clip is
computed twice: from the whole clip and from only its last ``k`` frames. The error

    mean_i |f(x_i) - f(x_i[-k:])| / mean_i |f(x_i) - mean_j f(x_j)|

is 0 when the last ``k`` frames alone decide the representation, and about 1 when
cutting the clip moves it as far as two different clips lie apart. A BiGRU read out at
the last frame (the official CMD encoder) with an error near 0 at small ``k`` has
forgotten the start of the clip. The README's main job section uses it::

    python tools/analysis/temporal_reach.py \\
        configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py \\
        random-init work_dirs/quickstart/pretrain/epoch_10.pth

``random-init`` is the seeded initial weights; checkpoints named here are trusted for
full unpickling.
"""
import argparse
from typing import Callable, Dict, List, Optional, Sequence

import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from mmengine.logging import MMLogger

import cmd_mmaction  # noqa: F401
from cmd_mmaction.apis.embeddings import load_model, query_dataset
from cmd_mmaction.utils import load_config


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a pretraining config')
    parser.add_argument('checkpoints', nargs='+', help="checkpoints or 'random-init'")
    parser.add_argument('--frames', type=int, nargs='+', default=[4, 16, 32],
                        help='lengths k of the kept clip ends')
    parser.add_argument('--max-samples', type=int, default=300,
                        help='test clips used, evenly spaced over the split')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


@torch.no_grad()
def truncation_error(encode: Callable, x: torch.Tensor, frames: Sequence[int]) -> Dict:
    """``{k: error}`` of ``encode`` on joints ``x`` ``(N, M, T, V, C)`` cut to their last
    ``k`` frames (see the module docstring)."""
    length = x.shape[2]
    if any(not 0 < k < length for k in frames):
        raise ValueError(f'--frames must lie in 1..{length - 1} (clips have {length} frames), '
                         f'got {list(frames)}')
    full = encode(x)
    spread = (full - full.mean(dim=0)).norm(dim=1).mean()
    return {k: float((full - encode(x[:, :, -k:])).norm(dim=1).mean() / spread)
            for k in frames}


def temporal_reach(cfg, checkpoint: str, frames: Sequence[int], max_samples: int) -> Dict:
    """``{modality: {k: error}}`` of a pretraining model on the config's test split."""
    dataset = query_dataset(cfg)
    step = max(1, len(dataset) // max_samples)
    batch = pseudo_collate([dataset[i] for i in range(0, len(dataset), step)][:max_samples])
    model = load_model(cfg, checkpoint)
    data = model.data_preprocessor(batch, training=False)
    inputs, samples = data['inputs'][:, 0], data['data_samples']  # clip 0
    time_scale = model.time_scale(inputs, samples)
    return {name: truncation_error(encoder.represent,
                                   model.modality(name, inputs, time_scale), frames)
            for name, encoder in model.encoders.items()}


def format_table(results: Dict[str, Dict], frames: Sequence[int]) -> str:
    lines = ['| checkpoint | modality | ' + ' | '.join(f'last {k}' for k in frames) + ' |',
             '| --- | --- |' + ' ---: |' * len(frames)]
    for checkpoint, per_modality in results.items():
        for name, errors in per_modality.items():
            lines.append(f'| {checkpoint} | {name} | '
                         + ' | '.join(f'{errors[k]:.2f}' for k in frames) + ' |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> Dict:
    args = parse_args(argv)
    MMLogger.get_current_instance().setLevel('WARNING')  # init_weights logs every tensor
    cfg = load_config(args.config, args.cfg_options)
    results = {ckpt: temporal_reach(cfg, ckpt, args.frames, args.max_samples)
               for ckpt in args.checkpoints}
    print('representation error when only the last k frames are fed, relative to the '
          'spread between clips (0: the last k frames decide it)')
    print(format_table(results, args.frames))
    return results


if __name__ == '__main__':
    main()
