"""Measure latency of models x inputs x runtimes in one process, so every ratio compares like with like."""

import gc
import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from mmengine.logging import MMLogger
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..deploy.backends import open_model, runtime_version
from ..deploy.conversion import convert
from ..deploy.detector import make_session
from ..deploy.machine import Machine, describe_machine
from ..deploy.runtime_compare import detection_parity, logit_parity
from ..deploy.timing import LatencyStats, time_runs
from ..results.result_file import run_provenance, write_result_file
from .breakdown.onnx_profile import profile_session, roi_count
from .builders import build_case
from .case import Case, Setting
from .gemm_rate import measure_gemm_rate
from .plots import plot_latency_vs_mult_adds, plot_latency_vs_resolution
from .report import sweep_markdown, write_csv, write_machine
from .rows import ModelKind, Row, Runtime

if TYPE_CHECKING:
    from ..armcount.counter import ArmCounter

#: Packages whose versions decide the speed of a sweep.
SWEEP_PACKAGES = ('torch', 'torchvision', 'onnx', 'mmcv', 'mmdet', 'MNN', 'ncnn', 'pnnx')


def sweep_machine(threads: int) -> Machine:
    """This machine, with the versions of the sweep's packages and the instruction set torch dispatches to."""
    return replace(describe_machine(threads, packages=SWEEP_PACKAGES),
                   torch_cpu_capability=torch.backends.cpu.get_cpu_capability())


@contextmanager
def quiet_build() -> Iterator[None]:
    """Silence MMEngine's weight-initialisation log and the exporters' tracer warnings inside the block."""
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            yield
    finally:
        logger.setLevel(level)


def case_notes(case: Case, rois: int | None, detections: int | None) -> list[str]:
    """The case's own notes, plus remarks on a proposal shortfall and on a detector that returned nothing."""
    notes = list(case.notes)
    if rois is not None and case.planned_rois is not None and rois != case.planned_rois:
        notes.append(f'{rois} of {case.planned_rois} proposals survived the RPN NMS')
    if detections == 0:  # its post-processing then costs less than with real weights
        notes.append('no detection passed the score threshold (random weights)')
    return notes


def make_row(case: Case, runtime: Runtime, threads: int, latency: LatencyStats | None, rois: int | None,
             detections: int | None, notes: list[str]) -> Row:
    """A result row for ``case`` in ``runtime`` (``latency`` None: not measured, ``notes`` say why)."""
    return Row(model=case.name, key=case.key, kind=case.kind, input=case.input_label, scale=case.scale,
               runtime=runtime, threads=threads, median_ms=latency and latency.median_ms,
               p10_ms=latency and latency.p10_ms, p90_ms=latency and latency.p90_ms,
               min_ms=latency and latency.min_ms, runs=latency.runs if latency else 0,
               gflops=case.mult_adds / 1e9, mparams=case.params / 1e6, rois=rois, detections=detections,
               note='; '.join(notes))


def measure_torch(case: Case, threads: int, warmup: int, runs: int, advance: Callable) -> Row:
    """Time the PyTorch call of ``case``."""
    with torch.inference_mode():
        latency = time_runs(case.torch_run, warmup, runs, advance)
    return make_row(case, Runtime.TORCH, threads, latency, case.rois, case.detections,
                    case_notes(case, case.rois, case.detections))


def count_arm(row: Row, arm: 'ArmCounter | None', model: Path, runtime: Runtime, case: Case) -> Row:
    """``row`` with the aarch64 instruction count of ``model`` in ``runtime`` (when ``arm`` is given)."""
    if arm is None:
        return row
    tensor = next(iter(case.onnx_feed.values()))
    try:
        row.arm_instructions = arm.count(model, runtime.backend, tensor, f'sweep input {case.input_label}'
                                         ).instructions_per_inference
    except Exception as error:  # a failed count must not end a long sweep; the row says what happened
        row.note = '; '.join(filter(None, [row.note, f'not counted on aarch64: {type(error).__name__}: {error}']))
    return row


def measure_onnx(case: Case, threads: int, warmup: int, runs: int, onnx_dir: Path, advance: Callable,
                 arm: 'ArmCounter | None' = None) -> Row:
    """Export ``case`` to ONNX and time it in ONNX Runtime (detectors: also count its RoIs and detections).

    With ``arm``, the exported model's aarch64 instructions per inference are counted too.
    """
    with quiet_build():
        path = case.export_onnx(onnx_dir)
    session = make_session(path, threads)

    def run() -> list:
        return session.run(None, case.onnx_feed)

    latency = time_runs(run, warmup, runs, advance)
    rois = detections = None
    notes = []
    if case.kind == ModelKind.DETECTOR:
        detections = len(run()[0])
        _, nodes_per_run = profile_session(path, case.onnx_feed, threads, 0, 1, onnx_dir / 'profiles')
        rois = roi_count(nodes_per_run[0])
        if case.rois is not None and rois != case.rois:
            notes.append(f'{rois} RoIs here vs {case.rois} in PyTorch')
    row = make_row(case, Runtime.ONNX, threads, latency, rois, detections, case_notes(case, rois, detections) + notes)
    return count_arm(row, arm, path, Runtime.ONNX, case)


def measure_converted(case: Case, runtime: Runtime, threads: int, warmup: int, runs: int, onnx_dir: Path,
                      advance: Callable, arm: 'ArmCounter | None' = None) -> Row:
    """Convert ``case``'s ONNX export for MNN or ncnn, check parity with ONNX Runtime, time it (and count it)."""
    with quiet_build():
        path = case.export_onnx(onnx_dir)
    tensor = next(iter(case.onnx_feed.values()))
    converted = convert(path, runtime.backend, onnx_dir / 'converted', tuple(tensor.shape))
    model = open_model(runtime.backend, converted, threads)
    reference = open_model('onnxruntime', path, threads).run(tensor)
    outputs = model.run(tensor)
    parity, parity_ok = (detection_parity if case.kind == ModelKind.DETECTOR else logit_parity)(reference, outputs)
    latency = time_runs(lambda: model.run(tensor), warmup, runs, advance)
    detections = len(outputs[0]) if case.kind == ModelKind.DETECTOR else None
    notes = [f'{runtime.display_name} {runtime_version(runtime.backend)}: parity with ONNX Runtime '
             f'{"ok" if parity_ok else "FAILS"} ({parity})']
    row = make_row(case, runtime, threads, latency, None, detections, case_notes(case, None, detections) + notes)
    return count_arm(row, arm, converted, runtime, case)


def failed_rows(setting: Setting, runtimes: list[Runtime], threads: int, error: Exception) -> list[Row]:
    """Rows stating that ``setting`` could not be built, one per runtime."""
    model = setting.model
    return [Row(model=model.name, key=model.key, kind=model.kind, input=setting.input_label, scale=setting.scale,
                runtime=runtime, threads=threads, median_ms=None, p10_ms=None, p90_ms=None, min_ms=None, runs=0,
                gflops=0.0, mparams=0.0, rois=None, detections=None,
                note=f'not measured: {type(error).__name__}: {error}')
            for runtime in runtimes]


def new_progress() -> Progress:
    """The sweep's progress display: one bar for all rows, one for the runs of the current row."""
    return Progress(TextColumn('{task.description}'), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def parse_runtimes(runtimes: list[str]) -> list[Runtime]:
    """``['torch', 'onnx']`` as :class:`Runtime` members.

    Raises:
        ValueError: Naming the unknown runtimes and the known ones.
    """
    known = [runtime.value for runtime in Runtime]
    unknown = sorted(set(runtimes) - set(known))
    if unknown:
        raise ValueError(f'unknown runtime(s) {", ".join(unknown)}; choose from {", ".join(known)}')
    return [Runtime(runtime) for runtime in runtimes]


def run_sweep(settings: list[Setting], runtimes: list[str], threads: int, warmup: int, runs: int, out_dir: Path,
              progress: Progress | None = None, arm: 'ArmCounter | None' = None) -> list[Row]:
    """Build every setting, time it in every runtime, and return the rows.

    A setting or runtime that fails gives rows with no latency and the error in ``note``; the sweep goes on.

    Args:
        settings: Models x inputs, from :func:`~.zoo.plan`.
        runtimes: ``torch``, ``onnx``, ``mnn``, ``ncnn`` (the last two run the ONNX export converted).
        threads: Threads for every runtime (1 is the paper's single-core setting).
        warmup: Untimed runs before timing.
        runs: Timed runs per row.
        out_dir: The sweep's output folder (ONNX models go to ``onnx/`` in it).
        progress: A progress display to report to; none is shown when omitted.
        arm: Counts every exported row's aarch64 instructions per inference (under emulation; resumable).
    """
    runtimes = parse_runtimes(runtimes)
    torch.set_num_threads(threads)
    progress = progress or Progress(disable=True)
    onnx_dir = Path(out_dir) / 'onnx'
    overall = progress.add_task('all rows', total=len(settings) * len(runtimes))
    current = progress.add_task('', total=warmup + runs)
    rows: list[Row] = []
    for setting in settings:
        progress.update(current, description=f'building {setting.label}', completed=0)
        try:
            with quiet_build():
                case = build_case(setting)
        except Exception as error:  # a broken model must not end a long sweep; the row says what happened
            rows += failed_rows(setting, runtimes, threads, error)
            progress.advance(overall, len(runtimes))
            continue
        for runtime in runtimes:
            progress.update(current, description=f'{setting.label} {runtime.display_name}', completed=0)

            def advance(*_: object) -> None:
                progress.advance(current)

            try:
                if runtime == Runtime.TORCH:
                    rows.append(measure_torch(case, threads, warmup, runs, advance))
                elif runtime == Runtime.ONNX:
                    rows.append(measure_onnx(case, threads, warmup, runs, onnx_dir, advance, arm))
                else:
                    rows.append(measure_converted(case, runtime, threads, warmup, runs, onnx_dir, advance, arm))
            except Exception as error:  # as above: record the failure in the row
                rows.append(make_row(case, runtime, threads, None, None, None,
                                     [f'not measured: {type(error).__name__}: {error}']))
            progress.advance(overall)
        del case
        gc.collect()
    return rows


def sweep_and_report(settings: list[Setting], runtimes: list[str], threads: int, warmup: int, runs: int,
                     out_dir: Path, tolerance: float, arm_cpu: str | None = None,
                     reference: str | None = None) -> list[Path]:
    """Time every setting with a progress display; write the result file, CSV, Markdown, machine JSON and plots.

    ``results.json`` in ``out_dir`` is a result file of kind ``sweep`` (copy it under results/ and run
    tools/make_tables.py to publish it); its ratios are taken to the ``reference`` model's row with the same
    runtime and input. With ``arm_cpu``, every exported row also gets its aarch64 instruction count on that
    emulated CPU model, stored in ``out_dir/arm_counts.json`` as soon as it is known; a rerun reuses the counts
    found there.

    Returns:
        The written files; the Markdown report is also printed.
    """
    machine = sweep_machine(threads)
    provenance = run_provenance(machine.label)  # the code and time the sweep started with
    print(machine.markdown(), flush=True)
    gemm = measure_gemm_rate(threads)
    print(gemm.describe(), flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    arm = None
    if arm_cpu:
        from ..armcount.counter import ArmCounter

        arm = ArmCounter(arm_cpu, out_dir / 'arm_counts.json', progress=lambda line: None)
    with new_progress() as progress:
        rows = run_sweep(settings, runtimes, threads, warmup, runs, out_dir, progress, arm)
    markdown = sweep_markdown(rows, runtimes, machine, warmup, runs, tolerance, gemm, arm and arm.cpu)
    outputs = [out_dir / name for name in ('sweep.csv', 'sweep.md', 'machine.json', 'latency_vs_resolution.png',
                                           'latency_vs_mult_adds.png', 'results.json')]
    write_csv(rows, machine, outputs[0])
    outputs[1].write_text(markdown)
    write_machine(machine, outputs[2], gemm)
    plot_latency_vs_resolution(rows, machine, outputs[3])
    plot_latency_vs_mult_adds(rows, machine, outputs[4])
    write_result_file(outputs[5], 'sweep', [row.as_dict() for row in rows], provenance,
                      reference_key=reference or rows[0].key, gemm_rate=gemm.describe())
    print(markdown)
    print('written: ' + ', '.join(str(path) for path in outputs))
    return outputs
