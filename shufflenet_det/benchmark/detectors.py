"""The project's detectors (C4 and light head) as sweep cases, with random weights and real-aspect (4:3) images.

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

from ..complexity import detector_complexity
from .cases import Case

#: The project's detector configs (the repository's ``configs`` folder).
CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'


def detector_config(config_stem: str, scale: int) -> Path:
    """The config file of ``config_stem`` (``frcnn_shufflenet_2x``) at ``scale`` (600 or 300).

    Raises:
        FileNotFoundError: If the project has no config for that scale.
    """
    path = CONFIG_DIR / (f'{config_stem}.py' if scale == 600 else f'{config_stem}_{scale}.py')
    if not path.is_file():
        raise FileNotFoundError(f'{path} not found: the detectors are configured for scales 300 and 600 only')
    return path


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


def detector_case(key: str, name: str, config_stem: str, scale: int) -> Case:
    """One of the project's detectors at ``scale`` on a 4:3 image of the built-in shapes data."""
    from ..export import load_detector, prepare_exportable, write_export
    from ..export.exporter import sample_images, to_model_input
    from ..export.verify import mmdet_predict

    config = detector_config(config_stem, scale)
    torch.manual_seed(0)
    detector, cfg = load_detector(config, None)
    exportable, scale, max_size = prepare_exportable(detector, cfg, None, scale)
    image_bgr = sample_images(1, scale, max_size, seed=1)[0]
    height, width = image_bgr.shape[:2]

    def run() -> InstanceData:
        return mmdet_predict(detector, image_bgr)

    def export(folder: Path) -> Path:
        return write_export(exportable, cfg, str(config), None, scale, max_size, folder / f'{key}_{scale}.onnx')

    with torch.inference_mode():
        rois = count_rois(detector.roi_head.bbox_roi_extractor, run)
        detections = len(run())
    padded = padded_size(height, width, detector.data_preprocessor.pad_size_divisor)
    complexity = detector_complexity(detector, *padded, num_proposals=rois)
    planned = int(cfg.model.test_cfg.rpn.max_per_img)
    notes = [] if rois == planned else [f'{rois} of {planned} proposals survived the RPN NMS']
    return Case(key=key, name=name, kind='detector', height=height, width=width, scale=scale, model=detector,
                torch_run=run, export_onnx=export, onnx_feed={'image': to_model_input(image_bgr).numpy()},
                mult_adds=complexity.mult_adds, params=complexity.params, rois=rois, detections=detections,
                notes=notes)
