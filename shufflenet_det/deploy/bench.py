"""Device benchmark of an exported detector: latency with onnxruntime + numpy only, and the detections of an image.

Examples:
    python -m shufflenet_det.deploy.bench frcnn_shufflenet_2x_300.onnx --threads 4
    python -m shufflenet_det.deploy.bench model.onnx --image street.jpg --draw street_dets.png --json result.json
    python -m shufflenet_det.deploy.bench model.onnx --size 480x640 --runs 100 --warmup 10 --threads 1

The latency is ONNX Runtime's ``session.run`` on the prepared input tensor (resize and box mapping excluded),
timed run by run after untimed warm-up runs. Without ``--image`` a deterministic noise image of ``--size`` is
used (it times the graph at that input size; its detections mean nothing).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ..core.errors import ShufflenetDetError
from ..core.output_paths import check_writable_file, write_error_message
from .arguments import non_negative_int, parse_size, positive_int
from .backends import DISTRIBUTIONS, RUNTIMES, runtime_version
from .detections import Detections
from .detector import Detector, PreparedImage
from .draw import draw_detections
from .images import check_png_path, read_image, write_png
from .machine import Machine, describe_machine
from .timing import LatencyStats, print_progress, time_runs

#: Format of the ``--json`` result (2: the machine's package versions under ``versions``).
RESULT_FORMAT = 'shufflenet-det-bench/2'
DEFAULT_SIZE = (480, 640)
DRAW_MIN_SCORE = 0.3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m shufflenet_det.deploy.bench', description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('model', help='exported <name>.onnx (its <name>.json sidecar must lie next to it)')
    parser.add_argument('--image', help='image to detect on: .npy (H, W, 3) uint8 RGB, or JPEG/PNG/... with Pillow')
    parser.add_argument('--size', type=parse_size, help=f'HEIGHTxWIDTH of the noise image used without --image '
                                                        f'(default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})')
    parser.add_argument('--runs', type=positive_int, default=50, help='timed runs (default 50)')
    parser.add_argument('--warmup', type=non_negative_int, default=5, help='untimed warm-up runs (default 5)')
    parser.add_argument('--threads', type=positive_int, default=1,
                        help='intra-op threads (default 1; ONNX Runtime: one inter-op thread always)')
    parser.add_argument('--runtime', choices=list(RUNTIMES), default='onnxruntime',
                        help='onnxruntime (default; MODEL.onnx), mnn (MODEL.mnn from tools/compare_runtimes.py or '
                             "tools/arm_count.py, extra [mnn]) or ncnn (MODEL.ncnn.param, extra [ncnn])")
    parser.add_argument('--draw', metavar='OUT.png', help='write the image with its detections drawn')
    parser.add_argument('--draw-min-score', type=float, default=DRAW_MIN_SCORE,
                        help=f'draw detections scoring at least this (default {DRAW_MIN_SCORE})')
    parser.add_argument('--json', metavar='OUT.json', help='write detections, timings and machine as JSON')
    parser.add_argument('--sidecar', help='the sidecar, when it is not the model path with a .json suffix')
    parser.add_argument('--top', type=non_negative_int, default=10, help='detections to print (default 10)')
    parser.add_argument('--emulated', metavar='HOW',
                        help='mark the run as emulated (e.g. "qemu-user 7.2 on x86_64"): its timings are then '
                             'labelled as not being timings of the emulated CPU')
    args = parser.parse_args(argv)
    if args.image and args.size:
        parser.error('--size sets the noise image used without --image; pass one of them')
    return args


def noise_image(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A deterministic RGB uint8 noise image (for timing without an image)."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def bench_result(detector: Detector, prepared: PreparedImage, detections: Detections, stats: LatencyStats,
                 image_name: str | None, load_s: float, machine: Machine) -> dict:
    """Everything a run found and measured, as plain data (the ``--json`` output)."""
    spec = detector.spec
    return {
        'format': RESULT_FORMAT,
        'model': {'path': str(detector.model_path), 'scale': spec.scale, 'max_size': spec.max_size,
                  'num_proposals': spec.num_proposals, 'max_detections': spec.max_detections,
                  'score_threshold': spec.score_threshold, 'classes': list(spec.classes), 'source': spec.source},
        'input': {'image': image_name, 'original_size': list(prepared.original_size),
                  'input_size': list(prepared.input_size)},
        'detections': detections.to_list(spec.classes),
        'runtime': {'name': detector.runtime, 'version': runtime_version(detector.runtime)},
        'timing': {'what': f'{detector.runtime} inference on the prepared input tensor', 'load_s': load_s,
                   **stats.to_dict()},
        'machine': machine.to_dict(),
    }


def format_report(result: dict, top: int) -> str:
    """The human-readable summary printed by the benchmark."""
    model, source, timing, machine = result['model'], result['input'], result['timing'], result['machine']
    height, width = source['original_size']
    input_height, input_width = source['input_size']
    lines = [
        f'model       {Path(model["path"]).name}: scale {model["scale"]}, longer side <= {model["max_size"]}, '
        f'{model["num_proposals"]} proposals per image, {len(model["classes"])} classes',
        f'machine     {machine["label"]}; {machine["usable_cpus"]} of {machine["logical_cpus"]} CPUs usable'
        + (f', governor {machine["governor"]}' if machine['governor'] else '')
        + (f'; {result["runtime"]["name"]} {result["runtime"]["version"]}' if 'runtime' in result
           else f'; onnxruntime {machine["versions"]["onnxruntime"]}'),
        f'input       {source["image"] or "noise image"} {height}x{width} -> model input {input_height}x{input_width}',
        f'latency     median {timing["median_ms"]:.2f} ms, p90 {timing["p90_ms"]:.2f} ms, min {timing["min_ms"]:.2f} ms'
        f' ({timing["runs"]} timed runs after {timing["warmup"]} warm-up; {machine["threads"]} intra-op, '
        f'1 inter-op thread; model load {timing["load_s"]:.2f} s)',
        f'detections  {len(result["detections"])} (score >= {model["score_threshold"]}, at most '
        f'{model["max_detections"]}), boxes in original image pixels',
    ]
    if machine['emulated']:
        lines.append(f'WARNING     emulated run ({machine["emulated"]}): these timings are NOT '
                     f'{machine["architecture"]} CPU timings; only the detections mean something')
    for detection in result['detections'][:top]:
        x1, y1, x2, y2 = detection['box']
        lines.append(f'  {detection["class"]:<16} {detection["score"]:.4f}  '
                     f'[{x1:7.1f} {y1:7.1f} {x2:7.1f} {y2:7.1f}]')
    if len(result['detections']) > top:
        lines.append(f'  ... {len(result["detections"]) - top} more (--top to show them, --json to keep them)')
    return '\n'.join(lines)


def run_bench(args: argparse.Namespace) -> dict:
    """Check the output paths, load the model, prepare the image, time the runs, and write the requested outputs."""
    if args.draw:
        check_png_path(args.draw)
    if args.json:
        check_writable_file(args.json, '--json')
    start = time.perf_counter()
    detector = Detector(args.model, threads=args.threads, sidecar=args.sidecar, runtime=args.runtime)
    load_s = time.perf_counter() - start
    image = read_image(args.image) if args.image else noise_image(*(args.size or DEFAULT_SIZE))
    prepared = detector.prepare(image)
    print(f'timing {args.warmup} warm-up + {args.runs} runs at {prepared.input_size[0]}x{prepared.input_size[1]}, '
          f'{args.threads} thread(s)', file=sys.stderr)
    stats = time_runs(lambda: detector.run_tensor(prepared.tensor), args.warmup, args.runs, print_progress(args.warmup))
    detections = prepared.to_original(detector.run_tensor(prepared.tensor))
    machine = describe_machine(args.threads, emulated=args.emulated, packages=(DISTRIBUTIONS[args.runtime],))
    result = bench_result(detector, prepared, detections, stats, args.image, load_s, machine)
    print(format_report(result, args.top))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + '\n', encoding='utf-8')
        print(f'wrote {path}')
    if args.draw:
        drawn = draw_detections(image, detections, detector.spec.classes, min_score=args.draw_min_score)
        print(f'wrote {write_png(args.draw, drawn)} (detections scoring >= {args.draw_min_score})')
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    args = parse_args(argv)
    try:
        run_bench(args)
    except (FileNotFoundError, ValueError, ModuleNotFoundError, ShufflenetDetError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    except OSError as error:  # a full or read-only disk while writing --json or --draw
        if write_error_message(error) is None:
            raise
        print(f'error: {write_error_message(error)}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
