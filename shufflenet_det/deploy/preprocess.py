"""Image checks and the keep-ratio resize that turn an RGB image into the exported model's input tensor."""

from dataclasses import dataclass

import numpy as np

CHANNELS = 3


def validate_image(image: object) -> np.ndarray:
    """Check that ``image`` is an RGB image: a uint8 array of shape (H, W, 3).

    Returns:
        The image, unchanged.

    Raises:
        ValueError: Naming what was given, what is expected and how to convert it.
    """
    if not isinstance(image, np.ndarray):
        raise ValueError(f'image must be a numpy array of shape (H, W, 3), dtype uint8; got {type(image).__name__}')
    if image.ndim != 3:
        hint = (' (a grayscale image? repeat it: np.repeat(image[..., None], 3, axis=2))' if image.ndim == 2 else
                ' (a batch? pass one image at a time)' if image.ndim == 4 else '')
        raise ValueError(f'image must have rank 3 (H, W, 3); got rank {image.ndim}, shape {image.shape}{hint}')
    if image.shape[2] != CHANNELS:
        hint = (' (channels first? transpose: image.transpose(1, 2, 0))' if image.shape[0] == CHANNELS else
                ' (RGBA? drop alpha: image[..., :3])' if image.shape[2] == 4 else
                ' (grayscale? repeat it to 3 channels)' if image.shape[2] == 1 else '')
        raise ValueError(f'image must have 3 channels (H, W, 3) in RGB order; got {image.shape[2]} channels, shape '
                         f'{image.shape}{hint}')
    if image.dtype != np.uint8:
        raise ValueError(f'image dtype must be uint8 (values 0..255); got {image.dtype} (convert with '
                         'np.clip(image, 0, 255).astype(np.uint8) if its values are 0..255)')
    if min(image.shape[:2]) < 1:
        raise ValueError(f'image is empty: shape {image.shape}')
    return image


def validate_input_tensor(tensor: object) -> np.ndarray:
    """Check that ``tensor`` is a model input: float32 of shape (1, 3, H, W).

    Raises:
        ValueError: Naming what was given and what is expected.
    """
    if not isinstance(tensor, np.ndarray):
        raise ValueError(f'model input must be a numpy array (1, 3, H, W) float32; got {type(tensor).__name__}')
    if tensor.ndim != 4 or tensor.shape[0] != 1:
        raise ValueError(f'model input must have shape (1, 3, H, W); got rank {tensor.ndim}, shape {tensor.shape}')
    if tensor.shape[1] != CHANNELS:
        raise ValueError(f'model input must have 3 channels (1, 3, H, W) in RGB order; got {tensor.shape[1]} '
                         f'channels, shape {tensor.shape}')
    if tensor.dtype != np.float32:
        raise ValueError(f'model input dtype must be float32 (values 0..255); got {tensor.dtype}')
    return tensor


def resized_size(height: int, width: int, scale: int, max_size: int) -> tuple[int, int]:
    """(height, width) after MMDetection's keep-ratio resize.

    The factor is ``min(scale / shorter side, max_size / longer side)`` and each side becomes
    ``int(side * factor + 0.5)``.

    Raises:
        ValueError: If the image is so elongated that its shorter side would shrink to 0 pixels.
    """
    factor = min(scale / min(height, width), max_size / max(height, width))
    size = int(height * factor + 0.5), int(width * factor + 0.5)
    if min(size) < 1:
        raise ValueError(f'image {height}x{width} is too elongated for this model: with the longer side limited to '
                         f'{max_size} px its shorter side would become {min(size)} px; crop it into parts whose '
                         f'sides differ by less than {max_size * 2}:1')
    return size


@dataclass(frozen=True)
class InputScale:
    """The input scale of a detector: MMDetection's keep-ratio resize to a shorter side and a longer-side limit.

    Attributes:
        scale: Shorter image side after resizing (300 or 600 in the paper).
        max_size: Limit of the longer image side (500 or 1000 in the paper).
    """

    scale: int
    max_size: int

    def __post_init__(self) -> None:
        if not 0 < self.scale <= self.max_size:
            raise ValueError(f'need 0 < scale <= max_size, got scale {self.scale}, max_size {self.max_size}')

    def resized_size(self, height: int, width: int) -> tuple[int, int]:
        """(height, width) of a ``height`` x ``width`` image after the resize (see :func:`resized_size`)."""
        return resized_size(height, width, self.scale, self.max_size)


#: OpenCV's fixed-point bilinear resize of uint8 images: weights in units of 1/2048 (INTER_RESIZE_COEF_BITS).
COEF_BITS = 11


def _linear_taps(out_size: int, in_size: int, clamp_weights: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                          np.ndarray]:
    """OpenCV's source pixels and fixed-point weights (lower, upper) for every output pixel (half-pixel centres).

    OpenCV computes the position in float32, rounds each weight to 1/2048 separately, and outside the image
    clamps the horizontal weights (all weight on the edge pixel) but only the vertical source rows.
    """
    position = ((np.arange(out_size, dtype=np.float64) + 0.5) * (in_size / out_size) - 0.5).astype(np.float32)
    lower = np.floor(position).astype(np.intp)
    fraction = (position - lower).astype(np.float32)
    if clamp_weights:
        outside = (lower < 0) | (lower >= in_size - 1)
        fraction[outside] = 0
        lower = np.clip(lower, 0, in_size - 1)
    scale = np.float32(1 << COEF_BITS)
    lower_weight = np.rint((np.float32(1) - fraction) * scale).astype(np.int64)
    upper_weight = np.rint(fraction * scale).astype(np.int64)
    return np.clip(lower, 0, in_size - 1), np.clip(lower + 1, 0, in_size - 1), lower_weight, upper_weight


def _halve(image: np.ndarray) -> np.ndarray:
    """OpenCV's 2x2 area average, which it uses for INTER_LINEAR when both sides shrink by exactly 2."""
    pixels = image.astype(np.int32)
    blocks = pixels[0::2, 0::2] + pixels[1::2, 0::2] + pixels[0::2, 1::2] + pixels[1::2, 1::2]
    return ((blocks + 2) >> 2).astype(np.uint8)


def resize_bilinear(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resize of a uint8 (H, W, C) image, bit-exact with ``cv2.resize(..., INTER_LINEAR)``.

    MMDetection's test-time ``Resize`` calls OpenCV, so models see the same pixels here as in PyTorch: OpenCV's
    fixed-point arithmetic (a horizontal pass with 11-bit weights, then a vertical pass computed as its SIMD
    code does), and its 2x2 area average when both sides shrink by exactly 2. No anti-aliasing when shrinking.
    """
    if (height, width) == image.shape[:2]:
        return image
    if image.shape[0] == 2 * height and image.shape[1] == 2 * width:
        return _halve(image)
    top, bottom, top_weight, bottom_weight = _linear_taps(height, image.shape[0], clamp_weights=False)
    left, right, left_weight, right_weight = _linear_taps(width, image.shape[1], clamp_weights=True)
    pixels = image.astype(np.int64)
    rows = pixels[:, left] * left_weight[None, :, None] + pixels[:, right] * right_weight[None, :, None]
    upper, lower = rows[top] >> 4, rows[bottom] >> 4
    resized = (((upper * top_weight[:, None, None]) >> 16) + ((lower * bottom_weight[:, None, None]) >> 16) + 2) >> 2
    return np.clip(resized, 0, 255).astype(np.uint8)


def to_input_tensor(image: np.ndarray) -> np.ndarray:
    """The model input of an already resized (H, W, 3) RGB uint8 image: float32 (1, 3, H, W), values 0..255."""
    return np.ascontiguousarray(image.transpose(2, 0, 1)[None], dtype=np.float32)
