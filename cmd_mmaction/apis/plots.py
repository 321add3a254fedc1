"""Line plots of metrics and losses against training epoch (PNG, matplotlib Agg)."""
from typing import Mapping, Optional, Sequence, Tuple

from ..utils.atomic_io import atomic_write

Series = Mapping[str, Sequence[Tuple[float, float]]]


def plot_curves(series: Series, path: str, title: str, ylabel: str) -> None:
    """One line per ``name: [(epoch, value), ...]``; written atomically."""
    plot_panels({title: series}, path, ylabel, columns=1)


def plot_panels(panels: Mapping[str, Series], path: str, ylabel: str,
                references: Optional[Mapping[str, Tuple[float, str]]] = None, suptitle: str = '',
                columns: int = 3) -> None:
    """One panel per ``title: series`` (``columns`` a row), each series ``name: [(epoch,
    value), ...]`` a line, in the same colour in every panel. ``references`` = ``{title:
    (value, label)}`` draws a dashed horizontal line in those panels (e.g. a loss at
    chance). Written atomically."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    references = references or {}
    rows = -(-len(panels) // columns)
    columns = min(columns, len(panels))
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.5 * rows), squeeze=False)
    names = list(dict.fromkeys(name for series in panels.values() for name in series))
    colours = {name: f'C{i}' for i, name in enumerate(names)}
    flat = [ax for row in axes for ax in row]
    for ax, (title, series) in zip(flat, panels.items()):
        for name, points in series.items():
            ax.plot([e for e, _ in points], [v for _, v in points], color=colours[name],
                    marker='o' if len(points) <= 40 else None, markersize=3, label=name)
        if title in references:
            value, label = references[title]
            ax.axhline(value, color='grey', linestyle='--', linewidth=1, label=label)
        ax.set_xlabel('pretraining epoch')
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    for ax in flat[len(panels):]:
        ax.axis('off')
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format='png', dpi=110))
    plt.close(fig)
