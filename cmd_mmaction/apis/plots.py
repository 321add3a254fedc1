"""Line plots of evaluation metrics against training epoch (PNG, matplotlib Agg)."""
from typing import Mapping, Sequence, Tuple

from ..utils.atomic_io import atomic_write


def plot_curves(series: Mapping[str, Sequence[Tuple[float, float]]], path: str, title: str,
                ylabel: str) -> None:
    """One line per ``name: [(epoch, value), ...]``; written atomically."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for name, points in series.items():
        ax.plot([e for e, _ in points], [v for _, v in points], marker='o', label=name)
    ax.set_xlabel('pretraining epoch')
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format='png', dpi=110))
    plt.close(fig)
