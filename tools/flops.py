"""Print mult-adds (FLOPs as the papers count them) and parameters of backbones and detectors.

Examples:
    python tools/flops.py                       # the papers' complexity table, then every detector config
    python tools/flops.py --backbone ShuffleNetV1 --groups 3 --widen-factor 2.0 --shape 224 224
    python tools/flops.py --config configs/frcnn_mobilenet_v1.py --shape 600 800 --proposals 300
"""

import argparse
import glob

import torch
from mmdet.registry import MODELS
from mmdet.utils import register_all_modules
from mmengine.config import Config

from shufflenet_det import reference
from shufflenet_det.complexity import classifier_complexity, config_input_shape, detector_complexity
from shufflenet_det.models import ClassificationNet
from shufflenet_det.table import markdown_table


def percent_off(measured: float, paper: float | None) -> str | None:
    """Signed difference to the paper in percent, or None without a paper number."""
    return None if paper is None else f'{100 * (measured - paper) / paper:+.1f} %'


def classifier_table(shape: tuple[int, int]) -> str:
    """The papers' classification networks: measured mult-adds and params beside the published ones."""
    rows = []
    for name, backbone in reference.CLASSIFIER_BACKBONES.items():
        measured = classifier_complexity(ClassificationNet(backbone), *shape)
        paper_mflops = reference.CLASSIFIER_MFLOPS.get(name) if shape == (224, 224) else None
        paper_mparams = reference.CLASSIFIER_MPARAMS.get(name)
        rows.append([name, measured.mflops, paper_mflops, percent_off(measured.mflops, paper_mflops),
                     measured.mparams, paper_mparams])
    headers = [f'classifier at {shape[0]}x{shape[1]}', 'MFLOPs (ours)', 'MFLOPs (paper)', 'diff',
               'Mparams (ours)', 'Mparams (paper)']
    return markdown_table(headers, rows)


def detector_row(config_path: str, shape: tuple[int, int] | None, proposals: int | None) -> list:
    """Complexity row of one detector config at ``shape`` (default: the config's own input scale)."""
    cfg = Config.fromfile(config_path)
    detector = MODELS.build(cfg.model)
    num_proposals = proposals or cfg.model.test_cfg.rpn.max_per_img
    height, width = shape or config_input_shape(cfg)
    result = detector_complexity(detector, height, width, num_proposals)
    # The MobileNets paper counted its C4 Faster R-CNN; the light-head layout has no paper number.
    paper = (reference.MOBILENET_FRCNN_GFLOPS.get(min(height, width))
             if cfg.model.backbone.type == 'MobileNetV1' and cfg.model.type != 'LightHeadRCNN' else None)
    return [config_path, f'{height}x{width}', num_proposals, result.image_wise.gflops, result.per_roi.mflops,
            result.mult_adds / 1e9, paper, result.params / 1e6]


def detector_table(configs: list[str], shape: tuple[int, int] | None, proposals: int | None) -> str:
    """Detector mult-adds split into image-wise and RoI-wise work."""
    rows = [detector_row(path, shape, proposals) for path in configs]
    headers = ['detector config', 'input', 'RoIs', 'image-wise GFLOPs', 'per-RoI MFLOPs', 'total GFLOPs',
               'paper GFLOPs', 'Mparams']
    return markdown_table(headers, rows)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backbone', choices=['ShuffleNetV1', 'MobileNetV1'],
                        help='count one classification network instead of the paper table')
    parser.add_argument('--groups', type=int, default=3, help='ShuffleNet groups')
    parser.add_argument('--widen-factor', type=float, default=1.0, help='width multiplier')
    parser.add_argument('--config', nargs='+',
                        help='detector configs (default: configs/frcnn_*.py and configs/lighthead/*.py)')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help="input size (default: 224 224 for classifiers; a detector config's own scale on a 640x480 "
                             'image, e.g. 600x800 at scale 600)')
    parser.add_argument('--proposals', type=int,
                        help="RoIs per image (default: the config's test-time rpn max_per_img)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    register_all_modules()
    torch.set_grad_enabled(False)
    if args.backbone:
        backbone = dict(type=args.backbone, widen_factor=args.widen_factor)
        if args.backbone == 'ShuffleNetV1':
            backbone['groups'] = args.groups
        shape = tuple(args.shape or (224, 224))
        result = classifier_complexity(ClassificationNet(backbone), *shape)
        print(markdown_table(['classifier', 'input', 'MFLOPs', 'Mparams'],
                             [[str(backbone), f'{shape[0]}x{shape[1]}', result.mflops, result.mparams]]))
        return
    if not args.config:
        print(classifier_table(tuple(args.shape or (224, 224))), end='\n\n')
    configs = args.config or sorted(glob.glob('configs/frcnn_*.py')) + sorted(glob.glob('configs/lighthead/*.py'))
    if configs:
        print(detector_table(configs, tuple(args.shape) if args.shape else None, args.proposals))


if __name__ == '__main__':
    main()
