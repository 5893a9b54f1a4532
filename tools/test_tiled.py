"""COCO mAP of a trained checkpoint run tile by tile on whole images, its tiles' detections merged per image with
per-class NMS: the PyTorch counterpart of ``tools/test_onnx.py --tile`` (the same loop, tiling and merge).

Example (a dataset prepared with ``tools/prepare_dataset.py --tile 512``):
    python tools/test_tiled.py data/aerial/aerial_shapes_frcnn_shufflenet.py \\
        work_dirs/aerial_shapes_frcnn_shufflenet/epoch_24.pth --ann data/aerial/annotations/val_whole.json \\
        --images data/aerial/images --tile 512 --overlap 0.2
"""

import argparse
import sys
import time

import torch

from shufflenet_det.core.errors import ShufflenetDetError
from shufflenet_det.core.output_paths import check_writable_file
from shufflenet_det.deploy.coco_eval import evaluate_detector, text_progress
from shufflenet_det.deploy.evaluate import report_metrics
from shufflenet_det.export.torch_runner import TorchDetector


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('config', help='the detector config the checkpoint was trained with')
    parser.add_argument('checkpoint', help='the trained checkpoint')
    parser.add_argument('--ann', required=True, help='COCO annotation file of the whole images (val_whole.json)')
    parser.add_argument('--images', required=True, help='folder holding the images the annotation file names')
    parser.add_argument('--tile', type=int, required=True, metavar='SIZE', help='tile side in pixels')
    parser.add_argument('--overlap', type=float, default=0.2, help='share of a tile its neighbour repeats '
                                                                   '(default 0.2)')
    parser.add_argument('--json', metavar='OUT.json', help='write {checkpoint: {bbox_mAP, ..., seconds}}')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    args = parser.parse_args()
    if args.tile < 1 or not 0 <= args.overlap < 1:
        parser.error(f'--tile {args.tile} --overlap {args.overlap}: give a positive tile and an overlap in [0, 1)')
    return args


def main() -> int:
    args = parse_args()
    start = time.perf_counter()
    try:
        if args.json:
            check_writable_file(args.json, '--json')
        with torch.no_grad():
            metrics, summary = evaluate_detector(
                TorchDetector(args.config, args.checkpoint), args.ann, args.images, text_progress(),
                warn=lambda line: print(f'warning: {line}', file=sys.stderr), tiles=(args.tile, args.overlap))
    except (ShufflenetDetError, FileNotFoundError) as error:
        if args.debug:
            raise
        print(f'error: {error}', file=sys.stderr)
        return 1
    return report_metrics(metrics, summary, time.perf_counter() - start, args.checkpoint, args.json)

if __name__ == '__main__':
    sys.exit(main())
