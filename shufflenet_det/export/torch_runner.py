"""The PyTorch detector behind the device runner's interface (``detect(RGB image)`` -> detections in the image's
pixels), so that one evaluation loop (``deploy.coco_eval``), whole or tiled, scores a checkpoint and its export."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.project_configs import config_scale
from ..deploy.detections import Detections
from ..deploy.detector import PreparedImage
from .exporter import class_names, load_detector
from .sample_inputs import resize_to_scale, to_model_input
from .verify import torch_detections


@dataclass(frozen=True)
class TorchSpec:
    """What the evaluation loop reads of a detector: its class names and most detections per image."""

    classes: tuple[str, ...]
    max_detections: int


class TorchDetector:
    """A trained checkpoint run as MMDetection's test pipeline runs it (keep-ratio bilinear resize, then the model).

    Args:
        config: The detector config.
        checkpoint: Its trained checkpoint.

    Raises:
        FileNotFoundError: If the config or checkpoint is missing.
        ConfigError, CheckpointFileError: If they do not fit together (see ``load_detector``).
    """

    def __init__(self, config: str | Path, checkpoint: str | Path) -> None:
        self.model, cfg = load_detector(config, str(checkpoint))
        self.input_scale = config_scale(cfg)
        self.spec = TorchSpec(tuple(class_names(cfg)), int(cfg.model.test_cfg.rcnn.max_per_img))

    def detect(self, image: np.ndarray) -> Detections:
        """Detect objects in an RGB uint8 (H, W, 3) image; boxes are in the image's own pixels."""
        resized = resize_to_scale(np.ascontiguousarray(image[..., ::-1]), self.input_scale)
        prepared = PreparedImage(tensor=to_model_input(resized).numpy(), original_size=image.shape[:2],
                                 input_size=resized.shape[:2])
        return prepared.to_original(torch_detections(self.model, resized))
