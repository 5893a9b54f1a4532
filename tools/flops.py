"""Print mult-adds (FLOPs as the papers count them) and parameters of backbones and detectors.

Examples:
    python tools/flops.py                       # the papers' complexity table, then every detector config
                                                # and MMDetection's R50-C4 Faster R-CNN at scales 300 and 600
    python tools/flops.py --backbone ShuffleNetV1 --groups 3 --widen-factor 2.0 --shape 224 224
    python tools/flops.py --config configs/frcnn_mobilenet_v1.py --shape 600 800 --proposals 300
"""

import argparse

from shufflenet_det.complexity.report import complexity_tables
from shufflenet_det.deploy.arguments import positive_int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backbone', choices=['ShuffleNetV1', 'MobileNetV1'],
                        help='count one classification network instead of the paper table')
    parser.add_argument('--groups', type=positive_int, default=3, help='ShuffleNet groups')
    parser.add_argument('--widen-factor', type=float, default=1.0, help='width multiplier')
    parser.add_argument('--config', nargs='+',
                        help='detector configs, files or mmdet::<path> (default: configs/frcnn_*.py, '
                             "configs/lighthead/*.py and MMDetection's R50-C4 Faster R-CNN at scales 300 and 600)")
    parser.add_argument('--shape', type=positive_int, nargs=2, metavar=('H', 'W'),
                        help="input size (default: 224 224 for classifiers; a detector config's own scale on a 640x480 "
                             'image, e.g. 600x800 at scale 600)')
    parser.add_argument('--proposals', type=positive_int,
                        help="RoIs per image (default: the config's test-time rpn max_per_img)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    backbone = None
    if args.backbone:
        backbone = dict(type=args.backbone, widen_factor=args.widen_factor)
        if args.backbone == 'ShuffleNetV1':
            backbone['groups'] = args.groups
    print(complexity_tables(backbone, args.config, tuple(args.shape) if args.shape else None, args.proposals))


if __name__ == '__main__':
    main()
