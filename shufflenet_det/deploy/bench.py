"""Device benchmark of an exported detector: latency with onnxruntime + numpy only, and the detections of an image.

Examples:
    python -m shufflenet_det.deploy.bench frcnn_shufflenet_2x_300.onnx --threads 4
    python -m shufflenet_det.deploy.bench model.onnx --image street.jpg --draw street_dets.png --json result.json
    python -m shufflenet_det.deploy.bench model.onnx --size 480x640 --runs 100 --warmup 10 --threads 1
    python -m shufflenet_det.deploy.bench model.onnx --image aerial.png --tile 512 --overlap 0.2 --draw dets.png

The latency is ONNX Runtime's ``session.run`` on the prepared input tensor (resize and box mapping excluded),
timed run by run after untimed warm-up runs. Without ``--image`` a deterministic noise image of ``--size`` is
used (it times the graph at that input size; its detections mean nothing).

With ``--tile SIZE`` the image is cut into SIZE x SIZE tiles overlapping by ``--overlap`` (the tiling of
``tools/prepare_dataset.py --tile`` and ``tools/test_onnx.py --tile``); a timed run is then the whole image: every
tile's prepared tensor run, its boxes moved into the image, and the tiles' detections merged with per-class NMS.
Each tile's run is also timed on its own (the tiles in turn). Detections are in the whole image's pixels.
"""

import argparse
import itertools
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
from .tiled import MERGE_IOU, TiledDetector
from .timing import LatencyStats, print_progress, time_runs

#: Format of the ``--json`` result (2: the machine's package versions under ``versions``).
RESULT_FORMAT = 'shufflenet-det-bench/2'
DEFAULT_SIZE = (480, 640)
DRAW_MIN_SCORE = 0.3
#: Tile overlap without ``--overlap``: that of ``tools/prepare_dataset.py --tile``.
DEFAULT_OVERLAP = 0.2


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
    parser.add_argument('--tile', type=positive_int, metavar='SIZE',
                        help='run the model on SIZE x SIZE tiles of the image and merge them over the image (per-class '
                             'NMS), for a model trained on tiles (tools/prepare_dataset.py --tile)')
    parser.add_argument('--overlap', type=float, help='with --tile: share of a tile its neighbour repeats '
                                                      '(default 0.2, as prepare_dataset.py)')
    parser.add_argument('--sidecar', help='the sidecar, when it is not the model path with a .json suffix')
    parser.add_argument('--top', type=non_negative_int, default=10, help='detections to print (default 10)')
    parser.add_argument('--emulated', metavar='HOW',
                        help='mark the run as emulated (e.g. "qemu-user 7.2 on x86_64"): its timings are then '
                             'labelled as not being timings of the emulated CPU')
    args = parser.parse_args(argv)
    if args.image and args.size:
        parser.error('--size sets the noise image used without --image; pass one of them')
    if args.overlap is not None and args.tile is None:
        parser.error('--overlap sets how --tile tiles overlap; pass --tile SIZE too')
    if args.overlap is not None and not 0 <= args.overlap < 1:
        parser.error(f'--overlap {args.overlap}: give a share in [0, 1), e.g. 0.2')
    if args.tile is not None and args.overlap is None:
        args.overlap = DEFAULT_OVERLAP
    return args


def noise_image(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A deterministic RGB uint8 noise image (for timing without an image)."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def bench_result(detector: Detector, prepared: PreparedImage, detections: Detections, stats: LatencyStats,
                 image_name: str | None, load_s: float, machine: Machine, tiling: dict | None = None) -> dict:
    """Everything a run found and measured, as plain data (the ``--json`` output).

    With ``tiling`` (from :func:`tiling_record`), ``prepared`` is one tile's input, ``stats`` times the whole image
    and ``detections`` are merged over it.
    """
    spec = detector.spec
    what = f'{detector.runtime} inference on the prepared input tensor'
    if tiling is not None:
        what = (f'{detector.runtime} inference on the prepared input tensors of all {len(tiling["offsets"])} tiles, '
                'boxes moved into the image and merged (per-class NMS)')
    result = {
        'format': RESULT_FORMAT,
        'model': {'path': str(detector.model_path), 'scale': spec.scale, 'max_size': spec.max_size,
                  'num_proposals': spec.num_proposals, 'max_detections': spec.max_detections,
                  'score_threshold': spec.score_threshold, 'classes': list(spec.classes), 'source': spec.source},
        'input': {'image': image_name,
                  'original_size': list(tiling['image_size'] if tiling else prepared.original_size),
                  'input_size': list(prepared.input_size)},
        'detections': detections.to_list(spec.classes),
        'runtime': {'name': detector.runtime, 'version': runtime_version(detector.runtime)},
        'timing': {'what': what, 'load_s': load_s, **stats.to_dict()},
        'machine': machine.to_dict(),
    }
    if tiling is not None:
        result['tiling'] = tiling
    return result


def tiling_record(tiled: TiledDetector, image_size: tuple[int, int], offsets: list[tuple[int, int]],
                  per_tile: LatencyStats) -> dict:
    """The ``tiling`` entry of a tiled run: tile side, overlap, offsets, the merge rule, and each tile's latency."""
    return {'size': tiled.size, 'overlap': tiled.overlap, 'image_size': list(image_size),
            'offsets': [list(offset) for offset in offsets],
            'merge': f'per-class NMS at IoU {MERGE_IOU} over the whole image, the {tiled.spec.max_detections} best',
            'timing_per_tile': {'what': 'one tile\'s prepared input tensor (the tiles in turn)', **per_tile.to_dict()}}


def format_report(result: dict, top: int) -> str:
    """The human-readable summary printed by the benchmark."""
    model, source, timing, machine = result['model'], result['input'], result['timing'], result['machine']
    height, width = source['original_size']
    input_height, input_width = source['input_size']
    tiling = result.get('tiling')
    latency = (f'median {timing["median_ms"]:.2f} ms, p90 {timing["p90_ms"]:.2f} ms, min {timing["min_ms"]:.2f} ms'
               f' ({timing["runs"]} timed runs after {timing["warmup"]} warm-up; {machine["threads"]} intra-op, '
               f'1 inter-op thread; model load {timing["load_s"]:.2f} s)')
    if tiling is None:
        shown = [f'input       {source["image"] or "noise image"} {height}x{width} -> model input '
                 f'{input_height}x{input_width}', f'latency     {latency}']
    else:
        tile = tiling['timing_per_tile']
        shown = [f'input       {source["image"] or "noise image"} {height}x{width} -> {len(tiling["offsets"])} '
                 f'tiles of {tiling["size"]} px overlapping by {tiling["overlap"]:g} -> model input '
                 f'{input_height}x{input_width} each',
                 f'latency     whole image (all tiles + merge): {latency}',
                 f'per tile    median {tile["median_ms"]:.2f} ms, p90 {tile["p90_ms"]:.2f} ms, '
                 f'min {tile["min_ms"]:.2f} ms ({tile["runs"]} timed runs, the tiles in turn)',
                 f'merge       {tiling["merge"]}']
    lines = [
        f'model       {Path(model["path"]).name}: scale {model["scale"]}, longer side <= {model["max_size"]}, '
        f'{model["num_proposals"]} proposals per image, {len(model["classes"])} classes',
        f'machine     {machine["label"]}; {machine["usable_cpus"]} of {machine["logical_cpus"]} CPUs usable'
        + (f', governor {machine["governor"]}' if machine['governor'] else '')
        + (f'; {result["runtime"]["name"]} {result["runtime"]["version"]}' if 'runtime' in result
           else f'; onnxruntime {machine["versions"]["onnxruntime"]}'),
        *shown,
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
    machine = describe_machine(args.threads, emulated=args.emulated, packages=(DISTRIBUTIONS[args.runtime],))
    if args.tile is None:
        prepared = detector.prepare(image)
        print(f'timing {args.warmup} warm-up + {args.runs} runs at {prepared.input_size[0]}x{prepared.input_size[1]}, '
              f'{args.threads} thread(s)', file=sys.stderr)
        stats = time_runs(lambda: detector.run_tensor(prepared.tensor), args.warmup, args.runs,
                          print_progress(args.warmup))
        detections = prepared.to_original(detector.run_tensor(prepared.tensor))
        result = bench_result(detector, prepared, detections, stats, args.image, load_s, machine)
    else:
        detections, result = _bench_tiled(detector, image, args, load_s, machine)
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


def _bench_tiled(detector: Detector, image: np.ndarray, args: argparse.Namespace, load_s: float,
                 machine: Machine) -> tuple[Detections, dict]:
    """Time the whole image tile by tile (and each tile's run); its merged detections and the result."""
    height, width = image.shape[:2]
    if height <= args.tile and width <= args.tile:
        raise ValueError(f'--tile {args.tile}: the {height}x{width} image fits in one tile; give a tile smaller than '
                         'the image, or leave out --tile to time it whole')
    tiled = TiledDetector(detector, args.tile, args.overlap)
    tiles = [(left, top, detector.prepare(tile)) for left, top, tile in tiled.cut(image)]

    def run_image() -> Detections:
        return tiled.merge([(left, top, prepared.to_original(detector.run_tensor(prepared.tensor)))
                            for left, top, prepared in tiles])

    print(f'timing {args.warmup} warm-up + {args.runs} runs of {len(tiles)} tiles at '
          f'{tiles[0][2].input_size[0]}x{tiles[0][2].input_size[1]}, then {args.runs} single tiles, '
          f'{args.threads} thread(s)', file=sys.stderr)
    stats = time_runs(run_image, args.warmup, args.runs, print_progress(args.warmup))
    turn = itertools.cycle(prepared.tensor for _, _, prepared in tiles)
    per_tile = time_runs(lambda: detector.run_tensor(next(turn)), args.warmup, args.runs)
    detections = run_image()
    record = tiling_record(tiled, (height, width), [(left, top) for left, top, _ in tiles], per_tile)
    return detections, bench_result(detector, tiles[0][2], detections, stats, args.image, load_s, machine, record)


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
