"""Two-stage detectors as sweep cases: the project's (C4 and light head) and MMDetection's R50-C4, random weights.

Each runs on a real-aspect (4:3) image of the built-in shapes data.

The PyTorch call is MMDetection's own inference: the data preprocessor (normalise, pad) then ``model.predict``
(:func:`shufflenet_det.export.verify.mmdet_predict`).
The ONNX form comes from the project's exporter, built from the same detector object so both runtimes run the
same weights. Random weights are spread as the exporter does for untrained models (BN statistics from real
images, distinct scores), so the RPN keeps its full proposal count and NMS sees realistic score ties.
"""

from pathlib import Path

import torch
from mmengine.structures import InstanceData
from torch import nn

from ..complexity.mult_adds import detector_complexity
from ..core.project_configs import config_for
from ..export import prepare_export
from ..export.sample_inputs import sample_images, to_model_input
from ..export.verify import mmdet_predict
from .case import Case, Setting, register_case_builder
from .rows import ModelKind


def count_rois(roi_extractor: nn.Module, run: callable) -> int:
    """Number of RoIs ``roi_extractor`` pooled during ``run()`` (its second argument is the RoI tensor)."""
    seen = []
    handle = roi_extractor.register_forward_hook(lambda module, args, output: seen.append(args[1].shape[0]))
    try:
        run()
    finally:
        handle.remove()
    return sum(seen)


def padded_size(height: int, width: int, divisor: int) -> tuple[int, int]:
    """``height`` x ``width`` padded up to multiples of ``divisor``, as the data preprocessor pads."""
    divisor = max(divisor, 1)
    return -(-height // divisor) * divisor, -(-width // divisor) * divisor


@register_case_builder(ModelKind.DETECTOR.value)
def detector_case(setting: Setting) -> Case:
    """A two-stage detector at the setting's scale on a 4:3 image of the built-in shapes data.

    The model's config is the project's config below ``configs/`` without scale suffix (``frcnn_shufflenet_2x``,
    ``lighthead/frcnn_lh_mobilenet_v1``) or an ``mmdet::`` config.
    """
    key, name, config, scale = setting.model.key, setting.model.name, setting.model.config, setting.scale
    config = config if config.startswith('mmdet::') else config_for(config, scale)
    prepared = prepare_export(config, None, scale)
    detector = prepared.detector
    image_bgr = sample_images(1, prepared.input_scale, seed=1)[0]
    height, width = image_bgr.shape[:2]

    def run() -> InstanceData:
        return mmdet_predict(detector, image_bgr)

    def export(folder: Path) -> Path:
        return prepared.write(folder / f'{key}_{scale}.onnx')

    with torch.inference_mode():
        rois = count_rois(detector.roi_head.bbox_roi_extractor, run)
        detections = len(run())
    padded = padded_size(height, width, detector.data_preprocessor.pad_size_divisor)
    complexity = detector_complexity(detector, *padded, num_proposals=rois)
    return Case(key=key, name=name, kind=ModelKind.DETECTOR, height=height, width=width, scale=scale,
                model=detector, torch_run=run, export_onnx=export,
                onnx_feed={'image': to_model_input(image_bgr).numpy()}, mult_adds=complexity.mult_adds,
                params=complexity.params, rois=rois, planned_rois=int(prepared.cfg.model.test_cfg.rpn.max_per_img),
                detections=detections, notes=[setting.model.note] if setting.model.note else [])
