"""t-SNE of encoder representations, coloured by class (PNG, matplotlib Agg).

Works with a CMD / IKEM pretraining checkpoint (the encoder of ``--modality``), a
linear / finetune recognizer (pooled backbone output of its stream) or a multi-stream
one (stream ``--modality``); samples come from the config's test split (the queries of
the kNN test loader of a pretraining config)::

    python tools/analysis/visualize_embeddings.py configs/cmd/cmd_bigru_1xb64-451e_ntu60-xsub-3d.py \\
        work_dirs/cmd_bigru_1xb64-451e_ntu60-xsub-3d/epoch_451.pth --modality motion \\
        --out tsne_motion.png --max-samples 2000

``random-init`` instead of a checkpoint embeds the seeded initial weights (the
floor). Also writes ``<out>.npz`` with the features, labels and 2-D embedding. The
checkpoint named here is trusted for full unpickling.
"""
import argparse
import io
import os.path as osp
import sys
from typing import List, Optional

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import cmd_mmaction  # noqa: F401
from cmd_mmaction.engine import trust_checkpoint
from cmd_mmaction.models.selfsup import BaseSkeletonSelfSupervisor
from cmd_mmaction.utils import load_config
from cmd_mmaction.utils.atomic_io import atomic_write, write_bytes_atomic
from mmaction.registry import DATASETS, MODELS

RANDOM_INIT = 'random-init'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='t-SNE of representations')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='PNG file')
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


@torch.no_grad()
def representation(model, inputs: torch.Tensor, modality: str, data_samples=None) -> torch.Tensor:
    """``(N, D)`` features of joints ``(N, clips, M, T, V, C)``."""
    if hasattr(model, 'stream_features'):  # MultiStreamRecognizer
        feats = model.stream_features(inputs)
        if modality not in feats:
            raise ValueError(f'--modality {modality!r}: the model has streams {list(feats)}')
        return feats[modality]
    if isinstance(model, BaseSkeletonSelfSupervisor):  # CMD / IKEM pretraining model
        return model.extract_feat(inputs, modality, data_samples)
    if getattr(model, 'modality', modality) != modality:
        raise ValueError(f'--modality {modality!r}: the recognizer encodes {model.modality!r}')
    n, clips = inputs.shape[:2]
    feat, _ = model.extract_feat(inputs, stage='backbone')  # the recognizer makes its stream
    if feat.dim() == 5:  # (N*clips, M, C, T, V), pooled like GCNHead
        feat = feat.mean(dim=(3, 4)).mean(dim=1)
    return feat.view(n, clips, -1).mean(dim=1)


def extract(cfg, checkpoint: str, modality: str, max_samples: int, batch_size: int):
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    data_cfg = cfg.test_dataloader.dataset
    if data_cfg.get('type') == 'KNNBankDataset':
        data_cfg = data_cfg.query
    dataset = DATASETS.build(data_cfg)
    model = MODELS.build(cfg.model)
    if checkpoint == RANDOM_INIT:
        torch.manual_seed(cfg.get('randomness', {}).get('seed', 0))
        model.init_weights()
    else:
        trust_checkpoint(checkpoint)
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True, logger='current')
    model.eval()
    count = min(len(dataset), max_samples)
    feats, labels = [], []
    for start in range(0, count, batch_size):
        batch = pseudo_collate([dataset[i] for i in range(start, min(start + batch_size, count))])
        data = model.data_preprocessor(batch, training=False)
        feats.append(representation(model, data['inputs'], modality,
                                    data['data_samples']).float().cpu())
        labels += [int(s.gt_label.item()) for s in data['data_samples']]
    return torch.cat(feats).numpy(), np.asarray(labels)


def embed(feats: np.ndarray, perplexity: float, seed: int) -> np.ndarray:
    from sklearn.manifold import TSNE
    if len(feats) < 4:
        raise ValueError(f't-SNE needs at least 4 samples, got {len(feats)}')
    perplexity = min(perplexity, (len(feats) - 1) / 3)
    return TSNE(n_components=2, perplexity=perplexity, init='pca',
                random_state=seed).fit_transform(feats.astype(np.float64))


def plot(points: np.ndarray, labels: np.ndarray, title: str, out: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 7), dpi=100)
    classes = np.unique(labels)
    cmap = plt.get_cmap('tab20' if len(classes) <= 20 else 'nipy_spectral')
    colours = cmap(np.linspace(0, 1, len(classes)))
    for colour, c in zip(colours, classes):
        sel = labels == c
        ax.scatter(points[sel, 0], points[sel, 1], s=6, color=colour, label=str(c))
    if len(classes) <= 20:
        ax.legend(title='class', fontsize=6, markerscale=2, loc='best')
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    atomic_write(out, lambda f: fig.savefig(f, format='png'))
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    feats, labels = extract(cfg, args.checkpoint, args.modality, args.max_samples,
                            args.batch_size)
    points = embed(feats, args.perplexity, args.seed)
    name = osp.splitext(osp.basename(args.config))[0]
    plot(points, labels, f'{name}: {args.modality} (t-SNE, {len(labels)} samples)', args.out)
    npz = osp.splitext(args.out)[0] + '.npz'
    buffer = io.BytesIO()
    np.savez(buffer, features=feats, labels=labels, embedding=points)
    write_bytes_atomic(npz, buffer.getvalue())
    print(f'wrote {args.out} and {npz} ({len(labels)} samples, {feats.shape[1]}-d features)')
    return dict(features=feats, labels=labels, embedding=points)


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'visualize_embeddings: error: {err}')
