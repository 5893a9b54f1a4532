"""Measure latency of models x inputs x runtimes in one process, so every ratio compares like with like."""

import gc
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..deploy.runner import make_session
from .breakdown_onnx import profile_session, roi_count
from .cases import Case
from .onnx_runtime import session_runner
from .quiet import quiet_build
from .timing import Latency, time_callable
from .zoo import Setting, build_case

TORCH = 'torch'
ONNX = 'onnx'
#: Display names of the runtimes.
RUNTIME_NAMES = {TORCH: 'PyTorch eager', ONNX: 'ONNX Runtime'}


@dataclass
class Row:
    """One measured (or failed) model x input x runtime combination.

    Attributes:
        model: Display name of the model.
        key: Command-line name of the model.
        kind: ``classifier`` or ``detector``.
        input: ``HxW`` given to the model (detectors: the resized image before padding).
        scale: Detector input scale, None for classifiers.
        runtime: ``torch`` or ``onnx``.
        threads: Threads the runtime had.
        median_ms: Median latency; None if the row could not be measured.
        p10_ms: 10th percentile latency.
        p90_ms: 90th percentile latency.
        min_ms: Fastest run.
        runs: Timed runs.
        gflops: Mult-adds of one inference in billions (detectors: at the RoI count PyTorch ran).
        mparams: Parameters in millions.
        rois: RoIs the box head ran on in this runtime (detectors).
        detections: Detections this runtime returned (detectors).
        note: Remarks: proposal shortfalls, peer settings, or why the row failed.
    """

    model: str
    key: str
    kind: str
    input: str
    scale: int | None
    runtime: str
    threads: int
    median_ms: float | None
    p10_ms: float | None
    p90_ms: float | None
    min_ms: float | None
    runs: int
    gflops: float
    mparams: float
    rois: int | None
    detections: int | None
    note: str

    @classmethod
    def field_names(cls) -> list[str]:
        """Column names, in order (the CSV header)."""
        return [field.name for field in fields(cls)]

    def as_dict(self) -> dict:
        """The row as a plain dict."""
        return asdict(self)


def make_row(case: Case, runtime: str, threads: int, latency: Latency | None, rois: int | None,
             detections: int | None, notes: list[str]) -> Row:
    """A result row for ``case`` in ``runtime`` (``latency`` None: not measured, ``notes`` say why)."""
    return Row(model=case.name, key=case.key, kind=case.kind, input=case.input_label, scale=case.scale,
               runtime=runtime, threads=threads, median_ms=latency and latency.median_ms,
               p10_ms=latency and latency.p10_ms, p90_ms=latency and latency.p90_ms,
               min_ms=latency and latency.min_ms, runs=latency.runs if latency else 0,
               gflops=case.mult_adds / 1e9, mparams=case.params / 1e6, rois=rois, detections=detections,
               note='; '.join(notes))


def detection_notes(detections: int | None) -> list[str]:
    """A remark when a detector returned nothing (its post-processing then costs less than with real weights)."""
    return ['no detection passed the score threshold (random weights)'] if detections == 0 else []


def measure_torch(case: Case, threads: int, warmup: int, runs: int, advance: callable) -> Row:
    """Time the PyTorch call of ``case``."""
    with torch.inference_mode():
        latency = time_callable(case.torch_run, warmup, runs, advance)
    return make_row(case, TORCH, threads, latency, case.rois, case.detections,
                    case.notes + detection_notes(case.detections))


def measure_onnx(case: Case, threads: int, warmup: int, runs: int, onnx_dir: Path, advance: callable) -> Row:
    """Export ``case`` to ONNX and time it in ONNX Runtime (detectors: also count its RoIs and detections)."""
    with quiet_build():
        path = case.export_onnx(onnx_dir)
    run = session_runner(make_session(path, threads), case.onnx_feed)
    latency = time_callable(run, warmup, runs, advance)
    rois = detections = None
    notes = [note for note in case.notes if 'proposals survived' not in note]
    if case.kind == 'detector':
        detections = len(run()[0])
        _, nodes_per_run = profile_session(path, case.onnx_feed, threads, 0, 1, onnx_dir / 'profiles')
        rois = roi_count(nodes_per_run[0])
        if case.rois is not None and rois != case.rois:
            notes.append(f'{rois} RoIs here vs {case.rois} in PyTorch')
        notes += detection_notes(detections)
    return make_row(case, ONNX, threads, latency, rois, detections, notes)


def failed_rows(setting: Setting, runtimes: list[str], threads: int, error: Exception) -> list[Row]:
    """Rows stating that ``setting`` could not be built, one per runtime."""
    spec = setting.spec
    size = f'{setting.size[0]}x{setting.size[1]}' if setting.size else '-'
    return [Row(model=spec.name, key=spec.key, kind=spec.kind, input=size, scale=setting.scale, runtime=runtime,
                threads=threads, median_ms=None, p10_ms=None, p90_ms=None, min_ms=None, runs=0, gflops=0.0,
                mparams=0.0, rois=None, detections=None, note=f'not measured: {type(error).__name__}: {error}')
            for runtime in runtimes]


def new_progress() -> Progress:
    """The sweep's progress display: one bar for all rows, one for the runs of the current row."""
    return Progress(TextColumn('{task.description}'), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def run_sweep(settings: list[Setting], runtimes: list[str], threads: int, warmup: int, runs: int, out_dir: Path,
              progress: Progress | None = None) -> list[Row]:
    """Build every setting, time it in every runtime, and return the rows.

    A setting or runtime that fails gives rows with no latency and the error in ``note``; the sweep goes on.

    Args:
        settings: Models x inputs, from :func:`~.zoo.plan`.
        runtimes: ``torch`` and/or ``onnx``.
        threads: Threads for every runtime (1 is the paper's single-core setting).
        warmup: Untimed runs before timing.
        runs: Timed runs per row.
        out_dir: The sweep's output folder (ONNX models go to ``onnx/`` in it).
        progress: A progress display to report to; none is shown when omitted.
    """
    unknown = set(runtimes) - set(RUNTIME_NAMES)
    if unknown:
        raise ValueError(f'unknown runtime(s) {", ".join(sorted(unknown))}; choose from {", ".join(RUNTIME_NAMES)}')
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
            progress.update(current, description=f'{setting.label} {RUNTIME_NAMES[runtime]}', completed=0)
            advance = lambda: progress.advance(current)  # noqa: E731
            try:
                if runtime == TORCH:
                    rows.append(measure_torch(case, threads, warmup, runs, advance))
                else:
                    rows.append(measure_onnx(case, threads, warmup, runs, onnx_dir, advance))
            except Exception as error:  # as above: record the failure in the row
                rows.append(make_row(case, runtime, threads, None, None, None,
                                     [f'not measured: {type(error).__name__}: {error}']))
            progress.advance(overall)
        del case
        gc.collect()
    return rows
