"""The complexity tables of tools/flops.py: measured mult-adds and parameters beside the published ones."""

from pathlib import Path

import torch
from mmdet.registry import MODELS
from mmdet.utils import register_all_modules

from ..checkpoints.imagenet_init import without_pretrained
from ..core import paper_numbers
from ..core.markdown import markdown_table
from ..core.project_configs import (
    MMDET_R50_C4,
    SCALES,
    display_path,
    input_scale_for,
    load_config,
    project_detector_configs,
)
from .mult_adds import classifier_complexity, config_input_shape, detector_complexity


def percent_off(measured: float, paper: float | None) -> str | None:
    """Signed difference to the paper in percent, or None without a paper number."""
    return None if paper is None else f'{100 * (measured - paper) / paper:+.1f} %'


def classifier_table(shape: tuple[int, int]) -> str:
    """Our backbones' classification networks and torchvision's reference networks beside the published figures."""
    from ..benchmark.classifiers import TORCHVISION_CLASSIFIERS, build_classifier

    rows = []
    for name in [*paper_numbers.CLASSIFIER_BACKBONES, *TORCHVISION_CLASSIFIERS]:
        measured = classifier_complexity(build_classifier(name), *shape)
        paper_mflops = paper_numbers.CLASSIFIER_MFLOPS.get(name) if shape == (224, 224) else None
        paper_mparams = paper_numbers.CLASSIFIER_MPARAMS.get(name)
        rows.append([name, measured.mflops, paper_mflops, percent_off(measured.mflops, paper_mflops),
                     measured.mparams, paper_mparams])
    headers = [f'classifier at {shape[0]}x{shape[1]}', 'MFLOPs (ours)', 'MFLOPs (paper)', 'diff',
               'Mparams (ours)', 'Mparams (paper)']
    return markdown_table(headers, rows)


def single_classifier_table(backbone: dict, shape: tuple[int, int]) -> str:
    """Mult-adds and parameters of the classification network of one backbone config."""
    from ..models import ClassificationNet

    result = classifier_complexity(ClassificationNet(backbone), *shape)
    return markdown_table(['classifier', 'input', 'MFLOPs', 'Mparams'],
                          [[str(backbone), f'{shape[0]}x{shape[1]}', result.mflops, result.mparams]])


def detector_row(config: str | Path, shape: tuple[int, int] | None, proposals: int | None) -> list:
    """Complexity row of one detector config at ``shape`` (default: the config's own input scale)."""
    register_all_modules()
    cfg = load_config(config)
    detector = MODELS.build(without_pretrained(cfg.model))
    num_proposals = proposals or cfg.model.test_cfg.rpn.max_per_img
    height, width = shape or config_input_shape(cfg)
    result = detector_complexity(detector, height, width, num_proposals)
    # The MobileNets paper counted its C4 Faster R-CNN; the light-head layout has no paper number.
    paper = (paper_numbers.MOBILENET_FRCNN_GFLOPS.get(min(height, width))
             if cfg.model.backbone.type == 'MobileNetV1' and cfg.model.type != 'LightHeadRCNN' else None)
    return [display_path(config), f'{height}x{width}', num_proposals, result.image_wise.gflops, result.per_roi.mflops,
            result.mult_adds / 1e9, paper, result.params / 1e6]


def detector_table(configs: list[str | Path], shape: tuple[int, int] | None, proposals: int | None) -> str:
    """Detector mult-adds split into image-wise and RoI-wise work.

    Without ``configs``: the project's detector configs (C4 and light-head), then MMDetection's R50-C4 Faster
    R-CNN at scales 300 and 600 (on a 480x640 image unless ``shape`` is given) as the heavy reference.
    """
    if configs:
        rows = [detector_row(config, shape, proposals) for config in configs]
    else:
        rows = [detector_row(config, shape, proposals) for config in project_detector_configs()]
        rows += [detector_row(MMDET_R50_C4, shape or input_scale_for(scale).resized_size(480, 640), proposals)
                 for scale in SCALES]
    headers = ['detector config', 'input', 'RoIs', 'image-wise GFLOPs', 'per-RoI MFLOPs', 'total GFLOPs',
               'paper GFLOPs', 'Mparams']
    return markdown_table(headers, rows)


def complexity_tables(backbone: dict | None, configs: list[str] | None, shape: tuple[int, int] | None,
                      proposals: int | None) -> str:
    """What tools/flops.py prints: one backbone's classifier, or the classifier table and the detector table.

    Args:
        backbone: Count only this backbone's classification network.
        configs: Detector configs (default: the paper's, plus MMDetection's R50-C4).
        shape: Input (height, width); default 224x224 for classifiers and each config's own scale for detectors.
        proposals: RoIs per image (default: each config's test-time RPN ``max_per_img``).
    """
    torch.set_grad_enabled(False)
    if backbone:
        return single_classifier_table(backbone, shape or (224, 224))
    parts = [] if configs else [classifier_table(shape or (224, 224))]
    parts.append(detector_table(configs or [], shape, proposals))
    return '\n\n'.join(parts)
