"""Line plots of evaluation metrics against training epoch (PNG, matplotlib Agg)."""
from typing import Dict, Mapping, Optional, Sequence, Tuple

from ..utils.atomic_io import atomic_write


def plot_curves(series: Mapping[str, Sequence[Tuple[float, float]]], path: str, title: str,
                ylabel: str, baselines: Optional[Dict[str, float]] = None) -> None:
    """One line per ``name: [(epoch, value), ...]`` (values in %), dashed horizontal
    lines for ``baselines`` (e.g. the random-init encoder); written atomically."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for name, points in series.items():
        ax.plot([e for e, _ in points], [v for _, v in points], marker='o', label=name)
    for name, value in (baselines or {}).items():
        ax.axhline(value, linestyle='--', color='grey', linewidth=1)
        ax.annotate(name, (0, value), xycoords=('axes fraction', 'data'), fontsize=8,
                    color='grey', xytext=(3, 3), textcoords='offset points')
    ax.set_xlabel('pretraining epoch')
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format='png', dpi=110))
    plt.close(fig)
