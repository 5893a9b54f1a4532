"""Sample inputs for export checks and benchmarks: shapes images resized as MMDetection's test pipeline does."""

import mmcv
import numpy as np
import torch

from ..datasets.synthetic import render_image
from ..deploy.preprocess import InputScale


def resize_to_scale(image_bgr: np.ndarray, input_scale: InputScale) -> np.ndarray:
    """Resize keeping the aspect ratio as MMDetection's test ``Resize`` does (cv2 bilinear)."""
    return mmcv.imrescale(image_bgr, (input_scale.max_size, input_scale.scale), interpolation='bilinear')


def to_model_input(image_bgr: np.ndarray) -> torch.Tensor:
    """The exported model's input: RGB float32 (1, 3, H, W) with values 0..255."""
    return torch.from_numpy(np.ascontiguousarray(image_bgr[..., ::-1].transpose(2, 0, 1))).float()[None]


def sample_images(count: int, input_scale: InputScale, seed: int = 0) -> list[np.ndarray]:
    """Deterministic images of the built-in shapes dataset (BGR, resized to the scale), 4:3 landscape."""
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        image, _ = render_image(rng, 400, 300)
        images.append(resize_to_scale(np.asarray(image)[..., ::-1], input_scale))
    return images
