"""Export an MMDetection C4 Faster R-CNN config + checkpoint to a standard-op ONNX model with a JSON sidecar."""

import json
from pathlib import Path

import mmcv
import numpy as np
import onnx
import torch
from mmdet.registry import DATASETS, MODELS
from mmdet.utils import register_all_modules
from mmengine.config import Config

from ..checkpoints import load_weights
from ..engine import check_arguments, check_detector_channels
from .detector_graph import ExportableFasterRCNN
from .random_weights import spread_random_detector
from .standard_ops import check_standard_ops

OPSET = 17
SIDECAR_FORMAT = 'shufflenet-det-onnx/1'
#: Longer-side limit per unit of shorter side: MMDetection's (1000, 600) and (500, 300) scales.
MAX_SIZE_RATIO = 5 / 3


def load_detector(config: str | Path | Config, checkpoint: str | None) -> tuple[torch.nn.Module, Config]:
    """Build the detector of ``config`` in eval mode and load ``checkpoint`` (None: random weights).

    Raises:
        FileNotFoundError: If the config or checkpoint file does not exist.
        ConfigError: If a component takes no such argument, or the parts' channels differ.
        CheckpointFileError: If the checkpoint is not a checkpoint or holds code objects.
        CheckpointMismatchError: If the checkpoint does not fit the detector (its keys are listed).
    """
    if not isinstance(config, Config):
        if not Path(config).is_file():
            raise FileNotFoundError(f'config {config} not found')
        config = Config.fromfile(str(config))
    register_all_modules()
    import shufflenet_det.models  # noqa: F401  (registers the backbones and heads)

    check_arguments(config)
    detector = MODELS.build(config.model)
    detector.init_weights()
    check_detector_channels(detector)
    if checkpoint is not None:
        if not Path(checkpoint).is_file():
            raise FileNotFoundError(f'checkpoint {checkpoint} not found; train one with tools/train.py or pass '
                                    "'random' to export random weights")
        load_weights(detector, checkpoint)
    return detector.eval(), config


def class_names(config: Config) -> list[str]:
    """The class names of the config's test dataset."""
    dataset = config.test_dataloader.dataset
    metainfo = dataset.get('metainfo') or DATASETS.get(dataset.type).METAINFO
    return list(metainfo['classes'])


def config_scale(config: Config) -> tuple[int, int]:
    """The (shorter side, longer side limit) of the config's test ``Resize``."""
    for step in config.test_dataloader.dataset.pipeline:
        if step['type'] == 'Resize' and step.get('keep_ratio'):
            longer, shorter = sorted(step['scale'], reverse=True)
            return shorter, longer
    raise ValueError('the config has no keep-ratio Resize in its test pipeline; pass the scale explicitly')


def max_size_for(scale: int) -> int:
    """MMDetection's longer-side limit for a shorter side of ``scale`` (600 -> 1000, 300 -> 500)."""
    return round(scale * MAX_SIZE_RATIO)


def resize_to_scale(image_bgr: np.ndarray, scale: int, max_size: int) -> np.ndarray:
    """Resize keeping the aspect ratio as MMDetection's test ``Resize`` does (cv2 bilinear)."""
    return mmcv.imrescale(image_bgr, (max_size, scale), interpolation='bilinear')


def to_model_input(image_bgr: np.ndarray) -> torch.Tensor:
    """The exported model's input: RGB float32 (1, 3, H, W) with values 0..255."""
    return torch.from_numpy(np.ascontiguousarray(image_bgr[..., ::-1].transpose(2, 0, 1))).float()[None]


def sample_images(count: int, scale: int, max_size: int, seed: int = 0) -> list[np.ndarray]:
    """Deterministic images of the built-in shapes dataset (BGR, resized to the scale), 4:3 landscape."""
    from ..datasets.synthetic import render_image

    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        image, _ = render_image(rng, 400, 300)
        images.append(resize_to_scale(np.asarray(image)[..., ::-1], scale, max_size))
    return images


def export_onnx(exportable: ExportableFasterRCNN, example: torch.Tensor, path: Path) -> onnx.ModelProto:
    """Trace ``exportable`` to ONNX (dynamic H and W) and check it uses standard operators only.

    Raises:
        NonStandardOpError: Naming the offending nodes when the graph contains non-standard operators.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            exportable, (example, ), str(path), dynamo=False, opset_version=OPSET, do_constant_folding=False,
            input_names=['image'],
            output_names=['boxes', 'scores', 'labels'],
            dynamic_axes={'image': {2: 'height', 3: 'width'}, 'boxes': {0: 'detections'},
                          'scores': {0: 'detections'}, 'labels': {0: 'detections'}})
    model = onnx.load(str(path))
    try:
        check_standard_ops(model)
    except ValueError:
        path.unlink()
        raise
    onnx.checker.check_model(model)
    return model


def sidecar(config: Config, source_config: str, checkpoint: str | None, scale: int, max_size: int,
            exportable: ExportableFasterRCNN) -> dict:
    """Everything a device needs besides the graph: classes, input format and post-processing settings."""
    channel_order = 'RGB' if exportable.channel_order.tolist() == [0, 1, 2] else 'BGR'
    return {
        'format': SIDECAR_FORMAT,
        'classes': class_names(config),
        'scale': scale,
        'max_size': max_size,
        'input': {'name': 'image', 'layout': 'NCHW', 'channel_order': 'RGB', 'dtype': 'float32',
                  'value_range': [0, 255]},
        'normalisation': {'mean': exportable.mean.flatten().tolist(), 'std': exportable.std.flatten().tolist(),
                          'channel_order': channel_order, 'applied_in_graph': True},
        'score_threshold': float(exportable.rcnn_cfg.score_thr),
        'max_detections': int(exportable.rcnn_cfg.max_per_img),
        'num_proposals': int(exportable.rpn_cfg.max_per_img),
        'opset': OPSET,
        'source': {'config': source_config, 'checkpoint': checkpoint},
    }


def export_detector(config: str | Path, checkpoint: str | None, scale: int | None, out_dir: str | Path,
                    name: str | None = None) -> Path:
    """Export ``config`` with ``checkpoint`` to ``out_dir/<name>.onnx`` plus a ``<name>.json`` sidecar.

    Args:
        config: Detector config file.
        checkpoint: Trained checkpoint, or None for random weights made comparable by
            :func:`spread_random_detector` (for checking the export of untrained models).
        scale: Shorter image side the model is exported for (default: the config's test scale); the longer
            side is limited to ``5/3 * scale`` as in MMDetection's (1000, 600) and (500, 300).
        out_dir: Folder for the model and the sidecar.
        name: File stem; default ``<config stem>_<scale>``.

    Returns:
        Path of the written ``.onnx`` file.
    """
    detector, cfg = load_detector(config, checkpoint)
    exportable, scale, max_size = prepare_exportable(detector, cfg, checkpoint, scale)
    return write_export(exportable, cfg, str(config), checkpoint, scale, max_size,
                        Path(out_dir) / f'{name or default_name(config, scale)}.onnx')


def default_name(config: str | Path, scale: int) -> str:
    """``<config stem>_<scale>``, e.g. ``frcnn_shufflenet_2x_600``."""
    return f'{Path(config).stem.removesuffix(f"_{scale}")}_{scale}'


def write_export(exportable: ExportableFasterRCNN, cfg: Config, config_path: str, checkpoint: str | None,
                 scale: int, max_size: int, path: Path) -> Path:
    """Write the ONNX model to ``path`` and its sidecar beside it (same stem, ``.json``)."""
    example = to_model_input(sample_images(1, scale, max_size)[0])
    export_onnx(exportable, example, path)
    meta = sidecar(cfg, config_path, checkpoint, scale, max_size, exportable)
    path.with_suffix('.json').write_text(json.dumps(meta, indent=2) + '\n')
    return path


def prepare_exportable(detector: torch.nn.Module, cfg: Config, checkpoint: str | None,
                       scale: int | None) -> tuple[ExportableFasterRCNN, int, int]:
    """Wrap ``detector`` for export at ``scale``; spread random weights when there is no checkpoint."""
    if scale is None:
        scale, max_size = config_scale(cfg)
    else:
        max_size = max_size_for(scale)
    exportable = ExportableFasterRCNN(detector).eval()
    if checkpoint is None:
        spread_random_detector(exportable, [to_model_input(image) for image in sample_images(4, scale, max_size)])
    return exportable, scale, max_size
