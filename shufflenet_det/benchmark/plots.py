"""PNG plots of a sweep: latency against input resolution per model, and latency against mult-adds."""

from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from ..core import paper_numbers  # noqa: E402
from ..deploy.machine import Machine  # noqa: E402
from .rows import ModelKind, Row, Runtime  # noqa: E402

RUNTIME_STYLES = {Runtime.TORCH: dict(marker='o', linestyle='-'), Runtime.ONNX: dict(marker='s', linestyle='--'),
                  Runtime.MNN: dict(marker='^', linestyle=':'), Runtime.NCNN: dict(marker='v', linestyle='-.')}


def measured(rows: list[Row]) -> list[Row]:
    """Rows that have a latency."""
    return [row for row in rows if row.median_ms]


def megapixels(input_label: str) -> float:
    """Pixels of an ``HxW`` input in millions."""
    height, width = (int(side) for side in input_label.split('x'))
    return height * width / 1e6


def plot_latency_vs_resolution(rows: list[Row], machine: Machine, path: Path) -> None:
    """Latency against input size: classifiers (with the paper's Table 8 in grey) and detectors side by side."""
    rows = measured(rows)
    kinds = [kind for kind in ModelKind if any(row.kind == kind for row in rows)]
    figure, axes = plt.subplots(1, max(len(kinds), 1), figsize=(7 * max(len(kinds), 1), 8), squeeze=False)
    for axis, kind in zip(axes[0], kinds, strict=False):
        kind_rows = [row for row in rows if row.kind == kind]
        colours = {}
        for model in dict.fromkeys(row.model for row in kind_rows):
            for runtime, style in RUNTIME_STYLES.items():
                series = sorted((megapixels(r.input), r.median_ms) for r in kind_rows
                                if r.model == model and r.runtime == runtime)
                if series:
                    line, = axis.plot(*zip(*series, strict=True), color=colours.get(model), **style,
                                      label=f'{model}, {runtime.display_name}')
                    colours[model] = line.get_color()
            paper = paper_numbers.TABLE8_LATENCY_MS.get(model) if kind == ModelKind.CLASSIFIER else None
            if paper:
                points = sorted((h * w / 1e6, ms) for (h, w), ms in paper.items())
                axis.plot(*zip(*points, strict=True), color=colours.get(model), alpha=0.35, marker='x',
                          linestyle=':', label=f'{model}, {paper_numbers.TABLE8_DEVICE}')
        axis.set_xscale('log')
        axis.set_yscale('log')
        axis.set_xlabel('input megapixels (H x W / 1e6)')
        axis.set_ylabel('latency, ms (median)')
        axis.set_title(f'{kind}s')
        axis.grid(True, which='both', alpha=0.3)
        axis.legend(fontsize=6, loc='upper center', bbox_to_anchor=(0.5, -0.12), ncol=2)
    figure.suptitle(f'Latency vs resolution on {machine.label}')
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def plot_latency_vs_mult_adds(rows: list[Row], machine: Machine, path: Path) -> None:
    """Latency against mult-adds for every measured row, one marker shape per runtime."""
    rows = measured(rows)
    figure, axis = plt.subplots(figsize=(11, 6))
    colours: dict[str, str] = {}
    for runtime, style in RUNTIME_STYLES.items():
        for model in dict.fromkeys(row.model for row in rows):
            points = [(r.gflops, r.median_ms) for r in rows if r.model == model and r.runtime == runtime]
            if points:
                collection = axis.scatter(*zip(*points, strict=True), marker=style['marker'],
                                          color=colours.get(model), label=f'{model}, {runtime.display_name}')
                colours[model] = collection.get_facecolor()[0]
    axis.set_xscale('log')
    axis.set_yscale('log')
    axis.set_xlabel('mult-adds, GFLOPs')
    axis.set_ylabel('latency, ms (median)')
    axis.grid(True, which='both', alpha=0.3)
    axis.legend(fontsize=6, loc='upper left', bbox_to_anchor=(1.02, 1.0))
    axis.set_title(f'Latency vs mult-adds on {machine.label}')
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
