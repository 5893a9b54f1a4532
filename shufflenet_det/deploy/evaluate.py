"""COCO mAP of an exported detector with onnxruntime, numpy, Pillow and pycocotools only (no torch, mmcv, mmdet).

Examples:
    python tools/test_onnx.py exported/shapes_frcnn_shufflenet_256.onnx \\
        --ann data/shapes/annotations/instances_val.json --images data/shapes/val --json onnx_map.json
    python tools/test_onnx.py frcnn_shufflenet_2x_600.onnx --ann annotations/instances_val2017.json \\
        --images val2017 --threads 4

Images are resized as MMDetection's test pipeline resizes them (keep-ratio to the sidecar's scale and longer-side
limit) and boxes are mapped back to each original image before COCO scoring, so the numbers compare with
``tools/test.py`` on the checkpoint the model was exported from.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from ..core.errors import ShufflenetDetError
from ..core.output_paths import check_writable_file, write_error_message
from .arguments import positive_int
from .coco_eval import evaluate_onnx, text_progress


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='tools/test_onnx.py', description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('model', help='exported <name>.onnx (its <name>.json sidecar must lie next to it)')
    parser.add_argument('--ann', required=True, help='COCO annotation file, e.g. instances_val2017.json')
    parser.add_argument('--images', required=True, help='folder holding the images the annotation file names')
    parser.add_argument('--threads', type=positive_int, default=1,
                        help='ONNX Runtime intra-op threads (default 1)')
    parser.add_argument('--tile', type=positive_int, metavar='SIZE',
                        help='detect on SIZE x SIZE tiles and merge them over each image (per-class NMS), for a '
                             'model trained on tiles (tools/prepare_dataset.py --tile) scored on the whole images')
    parser.add_argument('--overlap', type=float, default=0.2, help='share of a tile its neighbour repeats '
                                                                   '(default 0.2, as prepare_dataset.py)')
    parser.add_argument('--json', metavar='OUT.json',
                        help='write {model path: {bbox_mAP, bbox_mAP_50, ..., bbox_mAP_l (percent), seconds}}')
    args = parser.parse_args(argv)
    if not 0 <= args.overlap < 1:
        parser.error(f'--overlap {args.overlap}: give a share in [0, 1)')
    return args


def main(argv: list[str] | None = None) -> int:
    """Evaluate, print the COCO summary and the metrics, write the JSON; 0 on success, 1 on bad input."""
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        if args.json:
            check_writable_file(args.json, '--json')
        tiles = (args.tile, args.overlap) if args.tile is not None else None
        metrics, summary = evaluate_onnx(args.model, args.ann, args.images, args.threads, text_progress(),
                                         warn=lambda line: print(f'warning: {line}', file=sys.stderr), tiles=tiles)
    except (FileNotFoundError, ValueError, ShufflenetDetError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    return report_metrics(metrics, summary, time.perf_counter() - start, args.model, args.json)


def report_metrics(metrics: dict[str, float], summary: str, seconds: float, model: str,
                   json_path: str | None) -> int:
    """Print the COCO summary and the metrics, and write ``{model: {metric: value, 'seconds': s}}`` to
    ``json_path`` when given; 0 on success, 1 when the file cannot be written (the error is printed)."""
    print(summary)
    print(' '.join(f'{key}={value:.1f}' for key, value in metrics.items()) + f' ({seconds:.1f} s)')
    if json_path:
        path = Path(json_path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({model: {**metrics, 'seconds': round(seconds, 1)}}, indent=2) + '\n')
        except OSError as error:  # a full or read-only disk
            print(f'error: {write_error_message(error) or error}', file=sys.stderr)
            return 1
        print(f'metrics written to {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
