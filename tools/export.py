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
import time
import warnings
from pathlib import Path

import mmcv
import numpy as np
import torch
from mmengine.logging import MMLogger

from shufflenet_det.export import load_detector, prepare_exportable, write_export
from shufflenet_det.export.exporter import default_name, sample_images
from shufflenet_det.export.parity import ImageParity
from shufflenet_det.table import markdown_table

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')


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


def load_images(source: str | None, count: int, scale: int, max_size: int) -> dict[str, np.ndarray]:
    """Resized BGR images by name: files from ``source``, or built-in shapes images without one."""
    if source is None:
        return {f'shapes_{index}': image for index, image in enumerate(sample_images(count, scale, max_size))}
    path = Path(source)
    if path.is_dir():
        files = sorted(file for file in path.iterdir() if file.suffix.lower() in IMAGE_SUFFIXES)[:count]
    elif path.is_file():
        files = [path]
    else:
        raise SystemExit(f'error: --images {source} does not exist')
    if not files:
        raise SystemExit(f'error: no {"/".join(IMAGE_SUFFIXES)} images in {source}')
    images = {}
    for file in files:
        image = mmcv.imread(str(file))
        if image is None:
            raise SystemExit(f'error: cannot read image {file} (corrupt or not an image)')
        images[file.name] = mmcv.imrescale(image, (max_size, scale), interpolation='bilinear')
    return images


def parity_table(reports: list[ImageParity]) -> str:
    """One Markdown row per image plus a total row."""
    rows = [[r.image, f'{r.matched}/{r.considered}', r.reference_count, r.exported_count, f'{r.max_box_error:.1e}',
             f'{r.max_score_error:.1e}'] for r in reports]
    matched, considered = sum(r.matched for r in reports), sum(r.considered for r in reports)
    rows.append(['all', f'{matched}/{considered}', sum(r.reference_count for r in reports),
                 sum(r.exported_count for r in reports), f'{max(r.max_box_error for r in reports):.1e}',
                 f'{max(r.max_score_error for r in reports):.1e}'])
    return markdown_table(['image', 'top detections matched', 'PyTorch dets', 'ONNX dets', 'max box err (px)',
                           'max score err'], rows)


def verify(detector: torch.nn.Module, onnx_path: Path, images: dict[str, np.ndarray], top_k: int,
           min_parity: float) -> bool:
    """Print the parity table; True when the matched fraction reaches ``min_parity``."""
    from shufflenet_det.export.verify import verify_export

    reports = verify_export(detector, onnx_path, images, top_k)
    print(parity_table(reports))
    considered = sum(r.considered for r in reports)
    if considered == 0:
        print('error: PyTorch found no detections on any image, so parity says nothing; use a trained '
              "checkpoint or 'random'")
        return False
    rate = sum(r.matched for r in reports) / considered
    verdict = 'PASS' if rate >= min_parity else 'FAIL'
    print(f'{verdict}: {rate:.1%} of the top-{top_k} detections match (label equal, IoU >= 0.99, score within '
          f'1e-3); required {min_parity:.0%}')
    return rate >= min_parity


def main() -> int:
    args = parse_args()
    MMLogger.get_instance('shufflenet_det_export', log_level='WARNING')  # no per-layer init messages
    # torchvision's roi_align asserts its box shape at trace time; the assert holds for every input.
    warnings.filterwarnings('ignore', category=torch.jit.TracerWarning, module='torch')
    checkpoint = None if args.checkpoint == 'random' else args.checkpoint
    try:
        detector, cfg = load_detector(args.config, checkpoint)
        print(f'[1/3] loaded {args.config} ({"random weights" if checkpoint is None else checkpoint})')
        exportable, scale, max_size = prepare_exportable(detector, cfg, checkpoint, args.scale)
        path = Path(args.out) / f'{args.name or default_name(args.config, scale)}.onnx'
        start = time.perf_counter()
        write_export(exportable, cfg, args.config, checkpoint, scale, max_size, path)
    except (FileNotFoundError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    print(f'[2/3] wrote {path} and {path.with_suffix(".json")} (scale {scale}, longer side <= {max_size}, '
          f'{time.perf_counter() - start:.1f} s); standard ONNX operators only')
    if not args.verify:
        return 0
    print(f'[3/3] comparing PyTorch and ONNX Runtime on {args.num_images} image(s)')
    images = load_images(args.images, args.num_images, scale, max_size)
    return 0 if verify(detector, path, images, args.top_k, args.min_parity) else 1


if __name__ == '__main__':
    sys.exit(main())
