"""ONNX Runtime, MNN and ncnn on the same exported model and input: parity with ONNX Runtime and x86 latency.

Classifier logits must agree within 1e-4 of the largest reference logit; a detector's top-20 detections
(boxes, scores, labels outputs) must be at least 95 % reproduced. Every runtime is timed in the same process
with the same thread count, their runs interleaved (one run of each in turn), so a change of the machine's load
touches all of them alike and their latencies compare as ratios on the machine that ran them.
"""

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .backends import open_model, runtime_version
from .conversion import ConversionError, convert
from .detections import Detections, MatchTolerance, match_detections
from .spec import OUTPUT_NAMES
from .timing import LatencyStats

#: Largest logit difference, relative to the largest reference logit.
LOGIT_TOLERANCE = 1e-4
#: Detections must keep their label, score within 1e-3 and box at IoU >= 0.99.
DETECTION_TOLERANCE = MatchTolerance(score=1e-3, min_iou=0.99)
TOP_K, MIN_MATCHED = 20, 0.95


@dataclass
class RuntimeResult:
    """One runtime on one model.

    Attributes:
        runtime: ``onnxruntime``, ``mnn`` or ``ncnn``.
        version: The runtime's version.
        model_file: The file it ran (converted for MNN and ncnn), None if conversion failed.
        median_ms: Median latency, None if it did not run.
        p10_ms: 10th percentile latency.
        p90_ms: 90th percentile latency.
        parity: ``logits max rel. diff 3.1e-07`` or ``top-20 matched 100%``; None for ONNX Runtime itself.
        parity_ok: Whether the parity criterion holds (True for ONNX Runtime).
        error: Why it did not run (conversion error with operator and version), None when it ran.
    """

    runtime: str
    version: str
    model_file: str | None
    median_ms: float | None = None
    p10_ms: float | None = None
    p90_ms: float | None = None
    parity: str | None = None
    parity_ok: bool = False
    error: str | None = None

    def to_dict(self) -> dict:
        """Plain JSON-ready data."""
        return asdict(self)


def logit_parity(reference: list[np.ndarray], other: list[np.ndarray]) -> tuple[str, bool]:
    """Largest difference of the first output relative to the largest reference value."""
    ref, out = reference[0].astype(np.float64), other[0].astype(np.float64).reshape(reference[0].shape)
    difference = float(np.abs(out - ref).max() / max(np.abs(ref).max(), 1e-12))
    return f'logits max rel. diff {difference:.1e}', difference <= LOGIT_TOLERANCE


def detection_parity(reference: list[np.ndarray], other: list[np.ndarray]) -> tuple[str, bool]:
    """Share of ONNX Runtime's top-20 detections that the other runtime reproduced."""
    ours = Detections.from_arrays(*reference)
    theirs = Detections.from_arrays(other[0].reshape(-1, 4), other[1].reshape(-1), other[2].reshape(-1))
    match = match_detections(ours, theirs, DETECTION_TOLERANCE, TOP_K)
    return (f'top-{match.considered} matched {match.rate:.0%} ({match.reference_count} vs {match.other_count} '
            f'detections)', match.rate >= MIN_MATCHED)


def compare_runtimes(model: Path, tensor: np.ndarray, runtimes: list[str], converted: Path, threads: int = 1,
                     warmup: int = 2, runs: int = 10) -> list[RuntimeResult]:
    """Run ``model`` on ``tensor`` in ONNX Runtime and each of ``runtimes``; check parity and time each.

    A runtime that cannot convert or run the model gets a result whose ``error`` says why.
    """
    reference_model = open_model('onnxruntime', model, threads)
    output_names = tuple(output.name for output in reference_model.session.get_outputs())
    reference = reference_model.run(tensor)
    is_detector = output_names == OUTPUT_NAMES
    results, loaded_models = [], {}
    for runtime in ['onnxruntime', *[name for name in runtimes if name != 'onnxruntime']]:
        result = RuntimeResult(runtime, runtime_version(runtime), None)
        results.append(result)
        try:
            path = convert(model, runtime, converted, tuple(tensor.shape))
            loaded = reference_model if runtime == 'onnxruntime' else open_model(runtime, path, threads)
            result.model_file = str(path)
            outputs = loaded.run(tensor)
        except (ConversionError, RuntimeError, ValueError) as error:
            result.error = str(error)
            continue
        if runtime == 'onnxruntime':
            result.parity_ok = True
        else:
            result.parity, result.parity_ok = (detection_parity if is_detector else logit_parity)(reference, outputs)
        loaded_models[runtime] = loaded
    samples = interleaved_times(loaded_models, tensor, warmup, runs)
    for result in results:
        if result.runtime in samples:
            stats = LatencyStats.from_samples(samples[result.runtime])
            result.median_ms, result.p10_ms, result.p90_ms = stats.median_ms, stats.p10_ms, stats.p90_ms
    return results


def interleaved_times(models: dict, tensor: np.ndarray, warmup: int, runs: int) -> dict[str, list[float]]:
    """Milliseconds of ``runs`` runs of each model, one run of each in turn, after ``warmup`` rounds."""
    samples: dict[str, list[float]] = {name: [] for name in models}
    for round_index in range(warmup + runs):
        for name, model in models.items():
            start = time.perf_counter()
            model.run(tensor)
            if round_index >= warmup:
                samples[name].append((time.perf_counter() - start) * 1e3)
    return samples


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='tools/compare_runtimes.py', description=__doc__.split('\n\n')[0])
    parser.add_argument('models', nargs='+', metavar='MODEL', help='exported .onnx models')
    parser.add_argument('--input', required=True, help='HxW or .npy, as for tools/arm_count.py')
    parser.add_argument('--runtimes', nargs='+', choices=['mnn', 'ncnn'], default=['mnn', 'ncnn'],
                        help='runtimes beside ONNX Runtime (default: mnn ncnn)')
    parser.add_argument('--threads', type=int, default=1, help='threads of every runtime (default 1)')
    parser.add_argument('--runs', type=int, default=20, help='timed runs (default 20)')
    parser.add_argument('--warmup', type=int, default=3, help='untimed runs first (default 3)')
    parser.add_argument('--converted', type=Path, default=Path('work_dirs/arm_count/converted'),
                        help='folder for the converted models (default work_dirs/arm_count/converted)')
    parser.add_argument('--json', type=Path, help='write the results here (merged into an existing file)')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from ..armcount.inputs import count_input
    from ..armcount.provenance import provenance_now
    from ..core.errors import ShufflenetDetError
    from ..core.markdown import markdown_table
    from .machine import describe_machine

    args = parse_args(argv)
    machine = describe_machine(args.threads, packages=('MNN', 'ncnn', 'pnnx'))
    print(machine.markdown(), flush=True)
    table, everything = [], {}
    try:
        for model in args.models:
            counted_input = count_input(Path(model), args.input)
            results = compare_runtimes(Path(model), counted_input.tensor, args.runtimes, args.converted,
                                       args.threads, args.warmup, args.runs)
            everything[model] = {'input_shape': list(counted_input.tensor.shape), 'input_source': counted_input.source,
                                 'threads': args.threads, 'runs': args.runs, 'warmup': args.warmup,
                                 'results': [result.to_dict() for result in results],
                                 'provenance': {**provenance_now(), 'machine': machine.to_dict()}}
            for result in results:
                table.append([Path(model).name, f'{result.runtime} {result.version}',
                              None if result.median_ms is None else f'{result.median_ms:.2f}',
                              result.parity or ('reference' if result.runtime == 'onnxruntime' else None),
                              'ok' if result.parity_ok else ('FAIL' if result.error is None else 'did not run'),
                              result.error])
                print(table[-1], flush=True)
    except (ShufflenetDetError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(markdown_table(['model', 'runtime', f'median ms ({machine.architecture}, {args.threads} thread)',
                          'parity vs ONNX Runtime', 'parity', 'note'], table))
    if args.json:
        existing = json.loads(args.json.read_text()) if args.json.is_file() else {}
        existing.update(everything)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(existing, indent=2) + '\n')
        print(f'written: {args.json}')
    return 0 if all(entry['parity_ok'] for model in everything.values() for entry in model['results']
                    if entry['error'] is None) else 1
