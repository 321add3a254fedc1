"""t-SNE of encoder representations, coloured by class (PNG, matplotlib Agg): the code
behind ``tools/analysis/visualize_embeddings.py``, the study pages and the main job.

Works with a CMD / IKEM pretraining model (the encoder of ``modality``), a linear /
finetune recognizer (pooled backbone output of its stream) or a multi-stream one;
samples come from the config's test split (the queries of the kNN test loader of a
pretraining config). ``'random-init'`` instead of a checkpoint embeds the seeded
initial weights (the floor). Checkpoints named here are trusted for full unpickling.
"""
from typing import Sequence, Tuple

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

from mmaction.registry import DATASETS, MODELS

from ..engine import trust_checkpoint
from ..models.selfsup import BaseSkeletonSelfSupervisor
from ..utils.atomic_io import atomic_write

RANDOM_INIT = 'random-init'

__all__ = ['RANDOM_INIT', 'representation', 'query_dataset', 'load_model', 'extract',
           'embed', 'plot', 'tsne_png']


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


def query_dataset(cfg):
    """The config's test split (the queries of a kNN test loader)."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    data_cfg = cfg.test_dataloader.dataset
    if data_cfg.get('type') == 'KNNBankDataset':
        data_cfg = data_cfg.query
    return DATASETS.build(data_cfg)


def load_model(cfg, checkpoint: str):
    """The config's model in eval mode, with the weights of ``checkpoint`` (trusted) or
    the seeded initial weights for ``'random-init'``."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    if checkpoint == RANDOM_INIT:
        torch.manual_seed(cfg.get('randomness', {}).get('seed', 0))
        model.init_weights()
    else:
        trust_checkpoint(checkpoint)
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True, logger='current')
    return model.eval()


def extract(cfg, checkpoint: str, modality: str, max_samples: int, batch_size: int):
    dataset = query_dataset(cfg)
    model = load_model(cfg, checkpoint)
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


def plot(panels: Sequence[Tuple[np.ndarray, np.ndarray, str]], out: str,
         title: str = '') -> None:
    """One scatter per ``(points, labels, title)`` panel, side by side, coloured by class."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 6), dpi=100,
                             squeeze=False)
    for ax, (points, labels, name) in zip(axes[0], panels):
        classes = np.unique(labels)
        cmap = plt.get_cmap('tab20' if len(classes) <= 20 else 'nipy_spectral')
        colours = cmap(np.linspace(0, 1, len(classes)))
        for colour, c in zip(colours, classes):
            sel = labels == c
            ax.scatter(points[sel, 0], points[sel, 1], s=6, color=colour, label=str(c))
        if len(classes) <= 20:
            ax.legend(title='class', fontsize=6, markerscale=2, loc='best')
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    atomic_write(out, lambda f: fig.savefig(f, format='png'))
    plt.close(fig)


def tsne_png(cfg, checkpoints: Sequence[Tuple[str, str]], out: str, modality: str = 'joint',
             max_samples: int = 2000, batch_size: int = 64, perplexity: float = 30.0,
             seed: int = 0, title: str = '') -> list:
    """t-SNE of the ``modality`` features of the config's test samples, one panel per
    ``(name, checkpoint or 'random-init')``; returns ``[(features, labels, points)]``."""
    panels, data = [], []
    for name, checkpoint in checkpoints:
        feats, labels = extract(cfg, checkpoint, modality, max_samples, batch_size)
        points = embed(feats, perplexity, seed)
        panels.append((points, labels, f'{name}: {modality} ({len(labels)} samples)'))
        data.append((feats, labels, points))
    plot(panels, out, title)
    return data
