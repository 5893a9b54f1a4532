"""The sweep's CSV and Markdown: our latencies beside the paper's, and the paper's ratios checked."""

import csv
import json
from pathlib import Path

from ..core import paper_numbers
from ..core.markdown import markdown_table
from ..deploy.machine import Machine
from .gemm_rate import GemmRate
from .ratios import DEFAULT_TOLERANCE, RatioResult, compare_ratios
from .rows import ModelKind, Row, Runtime


def latency_cell(row: Row | None) -> str | None:
    """``median (p10-p90)`` in ms, or a dash when the row was not measured."""
    if row is None or row.median_ms is None:
        return None
    return f'{row.median_ms:.1f} ({row.p10_ms:.1f}-{row.p90_ms:.1f})'


def ratio_cell(value: float | None) -> str | None:
    """A ratio as ``12.1x``."""
    return None if value is None else f'{value:.2f}x'


def instructions_cell(row: Row | None) -> str | None:
    """aarch64 instructions per inference in millions, or a dash when not counted."""
    if row is None or row.arm_instructions is None:
        return None
    return f'{row.arm_instructions / 1e6:.1f}'


def arm_header(runtime: str, arm_cpu: str) -> str:
    """An instruction-count column header: the runtime, the emulated CPU, and that it is not a time."""
    return f'{Runtime(runtime).display_name} M aarch64 instr. (emulated {arm_cpu}; not a time)'


def arm_runtimes(rows: list[Row], runtimes: list[str]) -> list[str]:
    """The runtimes of ``runtimes`` with at least one counted row."""
    return [runtime for runtime in runtimes if any(r.runtime == runtime and r.arm_instructions for r in rows)]


def write_csv(rows: list[Row], machine: Machine, path: Path) -> None:
    """All rows, one per line, each naming the machine it was measured on."""
    with open(path, 'w', newline='', encoding='utf-8') as handle:
        writer = csv.DictWriter(handle, fieldnames=Row.field_names() + ['machine', 'architecture'])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row.as_dict(), 'machine': machine.label, 'architecture': machine.architecture})


def write_machine(machine: Machine, path: Path, gemm: GemmRate | None = None) -> None:
    """The machine description as JSON, with the GEMM rate measured in the run (``gemm_rate``) when given."""
    data = machine.to_dict() | ({'gemm_rate': gemm.to_dict()} if gemm else {})
    path.write_text(json.dumps(data, indent=2) + '\n')


def by_runtime(rows: list[Row]) -> dict[tuple[str, str], dict[str, Row]]:
    """Rows grouped by (model, input), then keyed by runtime, in first-seen order."""
    grouped: dict[tuple[str, str], dict[str, Row]] = {}
    for row in rows:
        grouped.setdefault((row.model, row.input), {})[row.runtime] = row
    return grouped


def runtime_header(runtime: str, machine: Machine) -> str:
    """A latency column header naming the runtime and the architecture it ran on."""
    return f'{Runtime(runtime).display_name} ms ({machine.architecture})'


def classifier_table(rows: list[Row], runtimes: list[str], machine: Machine, arm_cpu: str | None = None) -> str:
    """Classification networks: ours per runtime beside the paper's Table 8 (mult-adds and latency).

    With ``arm_cpu``, each counted runtime also gets a column of aarch64 instructions per inference.
    """
    counted = arm_runtimes(rows, runtimes) if arm_cpu else []
    table_rows = []
    for (model, input_label), measured in by_runtime([r for r in rows if r.kind == ModelKind.CLASSIFIER]).items():
        first = next(iter(measured.values()))
        size = tuple(int(side) for side in input_label.split('x'))
        paper_ms = paper_numbers.TABLE8_LATENCY_MS.get(model, {}).get(size)
        paper_mflops = paper_numbers.TABLE8_MFLOPS.get(model) if size == (224, 224) else None
        table_rows.append([model, input_label, first.gflops * 1e3 or None,
                           paper_mflops, first.mparams or None]
                          + [latency_cell(measured.get(runtime)) for runtime in runtimes]
                          + [instructions_cell(measured.get(runtime)) for runtime in counted]
                          + [paper_ms, '; '.join(sorted({r.note for r in measured.values() if r.note})) or None])
    headers = (['model', 'input', 'MFLOPs (ours)', 'MFLOPs (paper)', 'Mparams']
               + [runtime_header(runtime, machine) for runtime in runtimes]
               + [arm_header(runtime, arm_cpu) for runtime in counted]
               + [f'ms, {paper_numbers.TABLE8_DEVICE}', 'note'])
    return markdown_table(headers, table_rows)


def detector_table(rows: list[Row], runtimes: list[str], machine: Machine, gemm: GemmRate | None = None,
                   arm_cpu: str | None = None) -> str:
    """Detectors: latency per runtime, RoIs and detections per runtime, ONNX Runtime's speed-up, and the share of
    the GEMM rate its mult-adds per second reach (with ``gemm``).

    With ``arm_cpu``, each counted runtime also gets a column of aarch64 instructions per inference.
    """
    counted = arm_runtimes(rows, runtimes) if arm_cpu else []
    table_rows = []
    for (model, input_label), measured in by_runtime([r for r in rows if r.kind == ModelKind.DETECTOR]).items():
        first = next(iter(measured.values()))
        rois = '/'.join(str(measured[r].rois) if r in measured and measured[r].rois is not None else '-'
                        for r in runtimes)
        detections = '/'.join(str(measured[r].detections) if r in measured and measured[r].detections is not None
                              else '-' for r in runtimes)
        torch_row, onnx_row = measured.get(Runtime.TORCH), measured.get(Runtime.ONNX)
        speedup = (torch_row.median_ms / onnx_row.median_ms
                   if torch_row and onnx_row and torch_row.median_ms and onnx_row.median_ms else None)
        row = [model, first.scale, input_label, rois, detections, first.gflops or None, first.mparams or None]
        row += [latency_cell(measured.get(runtime)) for runtime in runtimes]
        row += [instructions_cell(measured.get(runtime)) for runtime in counted]
        if len(runtimes) > 1:
            row.append(ratio_cell(speedup))
        if gemm and Runtime.ONNX in runtimes:
            share = gemm.share(first.gflops * 1e9, onnx_row.median_ms) if onnx_row and onnx_row.median_ms else None
            row.append(None if share is None else f'{100 * share:.0f} %')
        row.append('; '.join(dict.fromkeys(r.note for r in measured.values() if r.note)) or None)
        table_rows.append(row)
    names = ' / '.join(Runtime(runtime).display_name for runtime in runtimes)
    headers = (['detector', 'scale', 'input', f'RoIs ({names})', f'detections ({names})', 'GFLOPs', 'Mparams']
               + [runtime_header(runtime, machine) for runtime in runtimes]
               + [arm_header(runtime, arm_cpu) for runtime in counted]
               + (['ONNX Runtime speed-up over PyTorch'] if len(runtimes) > 1 else [])
               + (['ONNX Runtime share of GEMM rate'] if gemm and Runtime.ONNX in runtimes else []) + ['note'])
    return markdown_table(headers, table_rows)


def ratio_table(results: list[RatioResult], machine: Machine, arm_cpu: str | None = None) -> str:
    """The paper's ratios beside ours (time, and with ``arm_cpu`` aarch64 instructions), with a verdict each."""
    arm = arm_cpu is not None and any(result.arm_measured for result in results)
    table_rows = [[result.claim.name, result.input_label, Runtime(result.runtime).display_name,
                   ratio_cell(result.paper_measured), ratio_cell(result.paper_theoretical),
                   ratio_cell(result.measured), ratio_cell(result.theoretical), result.verdict]
                  + ([ratio_cell(result.arm_measured), result.arm_verdict] if arm else [])
                  for result in results]
    headers = (['speed-up (faster vs slower)', 'input', 'runtime', 'paper measured (Snapdragon 820)',
                'paper mult-adds ratio', f'ours measured ({machine.architecture} time)', 'ours mult-adds ratio',
                'verdict (time)']
               + ([f'ours in aarch64 instructions (emulated {arm_cpu})', 'verdict (instructions)'] if arm else []))
    return markdown_table(headers, table_rows)


def sweep_markdown(rows: list[Row], runtimes: list[str], machine: Machine, warmup: int, runs: int,
                   tolerance: float = DEFAULT_TOLERANCE, gemm: GemmRate | None = None,
                   arm_cpu: str | None = None) -> str:
    """The whole report: machine, settings (with the GEMM rate measured in the run), classifier table, detector
    table, ratio table.

    ``arm_cpu``: the emulated CPU model of the rows' aarch64 instruction counts (None: no counts).
    """
    arm_note = ('' if machine.is_arm else
                f' Our figures come from this {machine.architecture} machine, not from an ARM device; only the '
                f'columns marked "{paper_numbers.TABLE8_DEVICE}" are ARM figures, copied from the paper.')
    parts = [
        '# Latency sweep',
        machine.markdown(),
        f'Each runtime had {machine.threads} thread(s) (the paper: one core). Latency is the median of {runs} '
        f'timed runs after {warmup} warm-up run(s), in ms, with the 10th-90th percentile in brackets. Mult-adds '
        f'(FLOPs as the papers count them) are convolutions and fully connected layers; weights are random.'
        + arm_note,
    ]
    if gemm:
        parts.append(f'Measured in this run: {gemm.describe()}. A detector\'s share is its mult-adds per second in '
                     'ONNX Runtime over this rate.')
    if arm_cpu:
        parts.append(f'aarch64 instruction columns: instructions of one inference of the exported model, counted '
                     f'under qemu-user emulation of a {arm_cpu} (tools/arm_count.py; one thread, fp32). They are '
                     'deterministic and compare models and runtimes, but they are not times: memory, cache and '
                     'pipeline effects are not in them.')
    if any(row.kind == ModelKind.CLASSIFIER for row in rows):
        parts += ['## Classification networks (the paper\'s Table 8 grid)',
                  classifier_table(rows, runtimes, machine, arm_cpu)]
    if any(row.kind == ModelKind.DETECTOR for row in rows):
        parts += ['## Detectors (4:3 images resized to the scale)',
                  'RoIs: boxes the RoI head ran on (the test-time RPN keeps at most 300 for the project\'s C4 '
                  'detectors, 200 for its light-head ones); '
                  'random weights decide how many survive NMS and how many detections come out.',
                  detector_table(rows, runtimes, machine, gemm, arm_cpu)]
    results = compare_ratios(rows, tolerance)
    if results:
        parts += ['## The paper\'s speed ratios',
                  f'A ratio holds when ours is within {100 * tolerance:.0f} % of the paper\'s measured ratio. '
                  'The paper lists no detector latency; for detectors compare the measured ratio with the '
                  'mult-adds ratio.',
                  ratio_table(results, machine, arm_cpu)]
    return '\n\n'.join(parts) + '\n'
