"""Markdown tables made from result files: one renderer per result kind, some with several views.

:data:`RENDERERS` maps ``(kind, view)`` to a function of the result file's data; :func:`render` adds the line
naming the file and its provenance under every table, so a published number always carries its origin.
"""

from collections.abc import Callable
from pathlib import Path

from ..armcount.tables import counts_table, detector_ratios_table, operators_table, ratios_by_size_table, ratios_table
from ..core.errors import ResultFileError
from ..core.markdown import markdown_table
from .convergence import gain_label
from .shapes_rows import DemoRow, GridRow, row_from_dict
from .table7 import table7_table

DEFAULT_VIEW = 'full'


def demo_rows(data: dict, source: str = 'a demo result') -> list[DemoRow]:
    """The rows of a ``demo`` result file."""
    return [row_from_dict(DemoRow, row, source) for row in data['rows']]


def grid_rows(data: dict, source: str = 'a grid result') -> list[GridRow]:
    """The rows of a ``grid`` result file."""
    return [row_from_dict(GridRow, row, source) for row in data['rows']]


def demo_table(rows: list[DemoRow]) -> str:
    """mAP at 75 % and 100 % of the schedule and the gain between them, AP50, AP by size, complexity, training."""
    return markdown_table(
        ['detector', 'mAP @75%', 'mAP', 'last-quarter gain', 'AP50', 'AP_s', 'AP_m', 'AP_l', 'GFLOPs', 'Mparams',
         'training'],
        [[Path(row.config).stem, row.map_at_75, row.bbox_mAP, gain_label(row.last_quarter_gain), row.bbox_mAP_50,
          row.bbox_mAP_s, row.bbox_mAP_m, row.bbox_mAP_l, row.gflops, row.mparams,
          None if row.train_minutes is None else f'{row.train_minutes:.1f} min'] for row in rows])


def grid_table(rows: list[GridRow]) -> str:
    """Every column of the grid: both mAPs, convergence, AP by size, complexity, latency, training time."""
    return markdown_table(
        ['backbone', 'head', 'scale', 'mAP (PyTorch)', 'mAP (ONNX)', 'mAP @75%', 'last-quarter gain', 'AP50',
         'AP_s', 'AP_m', 'AP_l', 'GFLOPs', 'Mparams', 'ORT ms (1 thread)', 'training min'],
        [[row.backbone, row.head, row.scale, row.map_torch, row.map_onnx, row.map_torch_at_75,
          gain_label(row.last_quarter_gain), row.map_50, row.map_s, row.map_m, row.map_l, row.gflops, row.mparams,
          row.ort_ms, row.train_min] for row in rows])


def grid_compact_table(rows: list[GridRow]) -> str:
    """The grid's accuracy beside its latency: the README's miniature Table 7."""
    return markdown_table(
        ['backbone', 'head', 'scale', 'mAP', 'AP_s', 'last-quarter gain', 'GFLOPs', 'ORT ms (1 thread)'],
        [[row.backbone, row.head, row.scale, row.map_torch, row.map_s, gain_label(row.last_quarter_gain),
          row.gflops, row.ort_ms] for row in rows])


def grid_heads_table(rows: list[GridRow]) -> str:
    """C4 beside the light head for every backbone and scale the file holds both of."""
    by_key = {(row.backbone, row.scale, row.head): row for row in rows}
    pairs = [(by_key[(backbone, scale, 'C4')], by_key[(backbone, scale, 'light head')])
             for backbone, scale, head in by_key
             if head == 'C4' and (backbone, scale, 'light head') in by_key]
    return markdown_table(
        ['backbone', 'scale', 'C4 mAP', 'light-head mAP', 'C4 GFLOPs', 'light-head GFLOPs', 'C4 ms', 'light-head ms'],
        [[c4.backbone, c4.scale, c4.map_torch, light.map_torch, c4.gflops, light.gflops, c4.ort_ms, light.ort_ms]
         for c4, light in pairs])


def ratio_label(value: float | None, reference: float | None) -> str | None:
    """``value / reference`` as ``0.31x`` / ``5.9x``, None when either is unknown."""
    if value is None or not reference:
        return None
    ratio = value / reference
    return f'{ratio:.2f}x' if ratio < 1 else f'{ratio:.1f}x'


def reference_rows(data: dict) -> list[dict]:
    """The rows whose ``key`` is the file's ``reference_key`` (the ratios' denominators); refuses a file without."""
    rows = [row for row in data['rows'] if row.get('key') == data.get('reference_key')]
    if not rows:
        raise ResultFileError(f'no row has the reference_key {data.get("reference_key")!r} the ratios are taken to')
    return rows


def reference_value(data: dict, column: str) -> float:
    """``column`` of the first reference row (:func:`reference_rows`)."""
    return reference_rows(data)[0][column]


def latency_label(row: dict) -> str:
    """Median with its 10th-90th percentile range in brackets, when the range is known."""
    if row.get('p10_ms') is None or row.get('p90_ms') is None:
        return f'{row["median_ms"]:.1f}'
    return f'{row["median_ms"]:.1f} ({row["p10_ms"]:.1f}-{row["p90_ms"]:.1f})'


def sweep_references(data: dict) -> dict[tuple[str, str], float | None]:
    """Median of the ``reference_key`` model per (runtime, input) (:func:`reference_rows`)."""
    return {(row['runtime'], row['input']): row['median_ms'] for row in reference_rows(data)}


def sweep_table(data: dict) -> str:
    """Sweep rows (:class:`shufflenet_det.benchmark.rows.Row` fields) with each median's ratio to the reference
    model's row of the same runtime and input, and the aarch64 count where the sweep counted one."""
    references = sweep_references(data)
    counted = any(row.get('arm_instructions') for row in data['rows'])
    header = ['model', 'runtime', 'input', 'RoIs', 'GMAC', 'ms, median (p10-p90)', f'vs {data["reference_key"]}']
    rows = [[row['model'], row['runtime'], row['input'], row['rois'], row['gflops'],
             None if row['median_ms'] is None else latency_label(row),
             ratio_label(row['median_ms'], references.get((row['runtime'], row['input'])))] for row in data['rows']]
    if counted:
        header.append('M aarch64 instructions (emulated; not a time)')
        for cells, row in zip(rows, data['rows'], strict=True):
            cells.append(None if row.get('arm_instructions') is None else round(row['arm_instructions'] / 1e6, 1))
    return markdown_table(header, rows)


def cpu_time_table(data: dict) -> str:
    """Thread CPU time per inference, with each model's ratio to the reference."""
    reference = reference_value(data, 'cpu_ms')
    return markdown_table(['model', 'GMAC', 'RoIs', 'CPU ms per inference', f'vs {data["reference_key"]}'],
                          [[row['model'], row['gmac'], row['rois'], row['cpu_ms'],
                            ratio_label(row['cpu_ms'], reference)] for row in data['rows']])


def mult_adds_table(data: dict) -> str:
    """Mult-adds at scales 300 and 600, per RoI, and parameters."""
    return markdown_table(['detector', 'RoIs', 'scale 300 GMAC', 'scale 600 GMAC', 'per-RoI MMAC', 'Mparams'],
                          [[row['detector'], row['rois'], row['gmac_300'], row['gmac_600'], row['per_roi_mmac'],
                            row['mparams']] for row in data['rows']])


def export_parity_table(data: dict) -> str:
    """Share of the top-20 PyTorch detections the ONNX model reproduced, per detector and scale."""
    scales = sorted({row['scale'] for row in data['rows']})
    detectors = list(dict.fromkeys(row['detector'] for row in data['rows']))
    cells = {(row['detector'], row['scale']): row for row in data['rows']}

    def cell(row: dict | None) -> str | None:
        if row is None:
            return None
        return (f'{100 * row["matched"] / row["compared"]:.0f} % ({row["matched"]}/{row["compared"]}, '
                f'{row["images"]} images)')

    return markdown_table(['detector', *(f'scale {scale}' for scale in scales)],
                          [[detector, *(cell(cells.get((detector, scale))) for scale in scales)]
                           for detector in detectors])


def export_eval_table(data: dict) -> str:
    """The same checkpoints' mAP from tools/test.py in batches and one image at a time, and from the ONNX export."""
    return markdown_table(['detector', '`tools/test.py` (batches of 8)', '`tools/test.py`, batch 1',
                           '`tools/test_onnx.py`'],
                          [[row['detector'], row['map_test_batch8'], row['map_test_batch1'], row['map_onnx']]
                           for row in data['rows']])


def train_throughput_table(data: dict) -> str:
    """Training step time and the estimated hours of the COCO schedule (rows of tools/benchmark_train.py)."""
    return markdown_table(
        ['config', 'AMP', 'images/step', 'step (s)', 'images/s', 'peak GPU memory (MiB)',
         '24 COCO epochs on 8 GPUs (h, est.)'],
        [[row['config'], 'on' if row['amp'] else 'off', row['images_per_step'], row['step_seconds'],
          row['images_per_second'], row['peak_memory_mib'], row['hours_24_epochs_8_gpus']] for row in data['rows']])


def onnx_latency_table(data: dict) -> str:
    """Single-model ONNX Runtime timings (tools/bench_onnx.py)."""
    return markdown_table(['model', 'input', 'RoIs', 'median ms', 'timed runs'],
                          [[row['model'], row['input'], row['rois'], row['median_ms'], row['runs']]
                           for row in data['rows']])


def breakdown_table(data: dict) -> str:
    """Share of one inference's time by part, one column per part (``-`` where a model has no such part)."""
    parts = list(dict.fromkeys(row['part'] for row in data['rows']))
    models = list(dict.fromkeys(row['model'] for row in data['rows']))
    shares = {(row['model'], row['part']): row['percent'] for row in data['rows']}
    return markdown_table(['model', *(f'{part} (%)' for part in parts)],
                          [[model, *(shares.get((model, part)) for part in parts)] for model in models])


def measurements_table(data: dict) -> str:
    """Single measurements behind design choices: the choice, its figure, the alternative's, the setup, the source."""
    return markdown_table(['choice', 'measured', 'alternative', 'setup', 'source'],
                          [[row['choice'], row['measured'], row['alternative'], row['setup'], row['source']]
                           for row in data['rows']])


def duration_label(seconds: float | None) -> str | None:
    """Seconds as ``12 s`` or, from two minutes on, ``19.5 min``."""
    if seconds is None:
        return None
    return f'{seconds:.0f} s' if seconds < 120 else f'{seconds / 60:.1f} min'


def own_data_table(data: dict) -> str:
    """An own-data example step by step: what ran, on what, its COCO metrics or other result, and its time."""
    return markdown_table(
        ['step', 'runs', 'evaluated on', 'mAP', 'AP50', 'AP75', 'AP_s', 'AP_m', 'other result', 'time'],
        [[row['step'], row['runtime'], row['evaluated_on'], row.get('bbox_mAP'), row.get('bbox_mAP_50'),
          row.get('bbox_mAP_75'), row.get('bbox_mAP_s'), row.get('bbox_mAP_m'), row.get('result'),
          duration_label(row.get('seconds'))] for row in data['rows']])


def percent_label(share: float | None) -> str | None:
    """A share (0..1) as ``12.3 %``, or None."""
    return None if share is None else f'{100 * share:.1f} %'


def onnx_ab_table(data: dict) -> str:
    """Exported models timed against each other in interleaved rounds (tools/time_onnx.py), the first the base."""
    rows = data['rows']
    torchvision = next((row['median_ms'] for row in rows if row['name'].startswith('tv-')), None)
    return markdown_table(
        ['model', 'nodes', 'median ms', 'fastest ms', 'vs first (median of rounds, range)', 'glue', 'overhead',
         'vs torchvision (median)'],
        [[row['name'], row['nodes'], row['median_ms'], row['min_ms'],
          f'{row["ratio_to_first"]:.2f} ({row["ratio_range"][0]:.2f}-{row["ratio_range"][1]:.2f})',
          percent_label(row.get('glue_share')), percent_label(row.get('overhead_share')),
          ratio_label(row['median_ms'], torchvision)] for row in rows])


def key_values_table(data: dict) -> str:
    """One measurement per line: what was measured and its value."""
    return markdown_table(['measured', 'value'], [[row['item'], row['value']] for row in data['rows']])


def arm_areas_table(data: dict) -> str:
    """aarch64 instructions of one model's one-node segments, summed by the part of the detector they belong to,
    for two exports of it (before and after a change)."""
    total = sum(row['instructions'] for row in data['rows'])
    return markdown_table(
        ['part', 'segments before', 'M instr. before', 'share', 'M mult-adds', 'instr. per mult-add', 'M instr. after',
         'change'],
        [[row['area'], row['segments'], f'{row["instructions"] / 1e6:.2f}', percent_label(row['instructions'] / total),
          f'{row["mult_adds"] / 1e6:.1f}' if row['mult_adds'] else '-',
          f'{row["instructions"] / row["mult_adds"]:.2f}' if row['mult_adds'] else '-',
          f'{row["instructions_after"] / 1e6:.2f}',
          f'{round((row["instructions_after"] - row["instructions"]) / 1e6, 2) + 0.0:+.2f}']  # no -0.00
         for row in data['rows']])


def arm_forms_table(data: dict) -> str:
    """Export forms of one model: aarch64 instructions per inference against the first row, parity, x86 time."""
    base = data['rows'][0]['instructions']
    return markdown_table(
        ['form', 'M instr.', 'vs first', 'same detections', 'x86 time vs first (median of rounds, range)', 'kept'],
        [[row['form'], f'{row["instructions"] / 1e6:.2f}',
          f'{(row["instructions"] - base) / 1e6:+.2f} M ({(row["instructions"] - base) / base:+.2%})',
          row['parity'], row.get('x86') or 'not timed', row['kept']] for row in data['rows']])


RENDERERS: dict[tuple[str, str], Callable[[dict], str]] = {
    ('demo', DEFAULT_VIEW): lambda data: demo_table(demo_rows(data)),
    ('grid', DEFAULT_VIEW): lambda data: grid_table(grid_rows(data)),
    ('grid', 'compact'): lambda data: grid_compact_table(grid_rows(data)),
    ('grid', 'heads'): lambda data: grid_heads_table(grid_rows(data)),
    ('sweep', DEFAULT_VIEW): sweep_table,
    ('cpu_time', DEFAULT_VIEW): cpu_time_table,
    ('mult_adds', DEFAULT_VIEW): mult_adds_table,
    ('export_parity', DEFAULT_VIEW): export_parity_table,
    ('export_eval', DEFAULT_VIEW): export_eval_table,
    ('train_throughput', DEFAULT_VIEW): train_throughput_table,
    ('onnx_latency', DEFAULT_VIEW): onnx_latency_table,
    ('breakdown', DEFAULT_VIEW): breakdown_table,
    ('measurements', DEFAULT_VIEW): measurements_table,
    ('coco_table7', DEFAULT_VIEW): lambda data: table7_table(data['rows']),
    ('own_data', DEFAULT_VIEW): own_data_table,
    ('onnx_ab', DEFAULT_VIEW): onnx_ab_table,
    ('key_values', DEFAULT_VIEW): key_values_table,
    ('arm_areas', DEFAULT_VIEW): arm_areas_table,
    ('arm_forms', DEFAULT_VIEW): arm_forms_table,
    ('arm_counts', DEFAULT_VIEW): counts_table,
    ('arm_counts', 'ratios'): ratios_table,
    ('arm_counts', 'ratios_by_size'): ratios_by_size_table,
    ('arm_counts', 'detector_ratios'): detector_ratios_table,
    ('arm_operators', DEFAULT_VIEW): operators_table,
}


def provenance_line(data: dict, name: str) -> str:
    """Where a table's numbers come from: the file, the machine, command, commit and date it names."""
    parts = [f'machine: {data["machine"] or "not stated"}',
             f'command: `{data["command"]}`' if data['command'] else 'command: not stated',
             f'commit: {data["commit"] or "not stated"}', f'date: {data["date"] or "not stated"}']
    if data.get('epochs'):
        parts.append(f'{data["epochs"]} epochs')
    if data.get('wall_min') is not None:
        parts.append(f'{data["wall_min"]:g} min of wall time')
    if data.get('cell_min_total'):
        parts.append(f'{data["cell_min_total"]:g} min of cell time (training, evaluation, export, ONNX evaluation)')
    if data.get('transcribed_from'):
        parts.append(f'transcribed from {data["transcribed_from"]}')
    return f'Data: `{name}` ({"; ".join(parts)}).'


def render(data: dict, name: str, view: str = DEFAULT_VIEW) -> str:
    """The table of a result file's ``data`` in ``view``, with its provenance line and notes below it.

    Raises:
        ResultFileError: If no renderer takes the file's kind in ``view``.
    """
    renderer = RENDERERS.get((data['kind'], view))
    if renderer is None:
        known = ', '.join(f'{kind}/{known_view}' for kind, known_view in RENDERERS)
        raise ResultFileError(f'{name}: no table for kind {data["kind"]!r} in view {view!r} (known: {known})')
    notes = ''.join(f'\n{note}' for note in data.get('notes', []))
    return f'{renderer(data)}\n\n{provenance_line(data, name)}{notes}'
