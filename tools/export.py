"""Export a C4 or light-head detector to a standard-op ONNX model (+ JSON sidecar) and check it against PyTorch.

The ONNX model takes one RGB image, float32 (1, 3, H, W) with values 0..255, already resized so that the
shorter side is the exported scale and the longer side at most 5/3 of it; H and W are dynamic. Normalisation,
padding, the RPN with anchor decoding and NMS, RoIAlign, the per-RoI head, box decoding and per-class NMS are all
in the graph. Outputs: ``boxes`` (N, 4) x1 y1 x2 y2 in input pixels, ``scores`` (N,), ``labels`` (N,).

Examples:
    python tools/export.py configs/frcnn_shufflenet_2x.py work_dirs/frcnn_shufflenet_2x/epoch_24.pth \\
        --scale 600 --out exported/ --verify --images data/coco/val2017
    python tools/export.py configs/frcnn_mobilenet_v1.py random --scale 300 --out exported/ --verify
"""

import argparse
import sys
import warnings

import torch
from mmengine.logging import MMLogger

from shufflenet_det.core.output_paths import check_writable_folder, write_error_message
from shufflenet_det.export import export_detector
from shufflenet_det.export.verify import check_parity, load_images


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='detector config file')
    parser.add_argument('checkpoint', help="trained checkpoint, or 'random' for seeded random weights with BN "
                                           'statistics re-estimated and spread scores (to check an untrained export)')
    parser.add_argument('--scale', type=int, help="shorter image side, e.g. 300 or 600 (default: the config's)")
    parser.add_argument('--out', default='exported', help='output folder (default: exported/)')
    parser.add_argument('--name', help='file stem (default: <config>_<scale>)')
    parser.add_argument('--verify', action='store_true', help='compare PyTorch and ONNX Runtime detections')
    parser.add_argument('--images', help='image file or folder for --verify (default: built-in shapes images)')
    parser.add_argument('--num-images', type=int, default=5, help='images used by --verify (default: 5)')
    parser.add_argument('--top-k', type=int, default=20, help='top PyTorch detections matched per image')
    parser.add_argument('--min-parity', type=float, default=0.95,
                        help='fail when fewer than this fraction of the top detections match (default: 0.95)')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    MMLogger.get_instance('shufflenet_det_export', log_level='WARNING')  # no per-layer init messages
    # torchvision's roi_align asserts its box shape at trace time; the assert holds for every input.
    warnings.filterwarnings('ignore', category=torch.jit.TracerWarning, module='torch')
    try:
        check_writable_folder(args.out, '--out')
        export = export_detector(args.config, None if args.checkpoint == 'random' else args.checkpoint, args.out,
                                 args.scale, args.name)
        if not args.verify:
            return 0
        images = load_images(args.images, args.num_images, export.input_scale)
    except (FileNotFoundError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    except OSError as error:  # a full or read-only disk while writing the model
        if write_error_message(error) is None:
            raise
        print(f'error: {write_error_message(error)}', file=sys.stderr)
        return 1
    return 0 if check_parity(export.detector, export.path, images, args.top_k, args.min_parity) else 1


if __name__ == '__main__':
    sys.exit(main())
