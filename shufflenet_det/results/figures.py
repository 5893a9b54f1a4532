"""Figures made from result files: one plotting function per result kind that has a figure.

:data:`FIGURE_RENDERERS` maps a result kind to a function of the file's data and the PNG path to write.
"""

import textwrap
from collections.abc import Callable
from pathlib import Path

from ..core.errors import ResultFileError
from .shapes_rows import GridRow, row_from_dict


def plot_accuracy_vs_latency(rows: list[GridRow], machine: str, path: Path) -> None:
    """mAP against ONNX Runtime latency, one marker per detector, a line joining its input scales."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 6))
    markers = 'osD^vP*X'
    for index, detector in enumerate(dict.fromkeys(row.detector for row in rows)):
        series = sorted((row for row in rows if row.detector == detector), key=lambda row: row.scale)
        axis.plot([row.ort_ms for row in series], [row.map_torch for row in series],
                  marker=markers[index % len(markers)], label=f'{series[0].backbone}, {series[0].head}',
                  linestyle='--' if series[0].head == 'light head' else '-')
        for row in series:
            axis.annotate(str(row.scale), (row.ort_ms, row.map_torch), textcoords='offset points',
                          xytext=(5, -10), fontsize=8)
    axis.set_xlabel('ONNX Runtime latency, 1 thread (ms)')
    axis.set_ylabel('COCO mAP@[.5:.95] on shapes val (%)')
    axis.set_title(f'Accuracy vs latency (labels: input scale)\n{textwrap.fill(machine, 120)}', fontsize=8)
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={'Software': None})
    plt.close(figure)


def grid_figure(data: dict, path: Path) -> None:
    """The accuracy-vs-latency plot of a ``grid`` result file."""
    rows = [row_from_dict(GridRow, row, 'a grid result') for row in data['rows']]
    plot_accuracy_vs_latency(rows, data['machine'] or 'machine not stated', path)


FIGURE_RENDERERS: dict[str, Callable[[dict, Path], None]] = {'grid': grid_figure}


def draw_figure(data: dict, name: str, path: Path) -> None:
    """Write the figure of result file ``name`` (holding ``data``) to ``path``.

    Raises:
        ResultFileError: If the file's kind has no figure.
    """
    renderer = FIGURE_RENDERERS.get(data['kind'])
    if renderer is None:
        raise ResultFileError(f'{name} is a {data["kind"]!r} result, which has no figure; figures exist for '
                              f'{", ".join(sorted(FIGURE_RENDERERS))}')
    path.parent.mkdir(parents=True, exist_ok=True)
    renderer(data, path)
