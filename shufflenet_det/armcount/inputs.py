"""The input tensor a count feeds the model: a saved tensor, an image prepared as the device runner does, or noise."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import ShufflenetDetError
from ..deploy.arguments import parse_size
from ..deploy.preprocess import resize_bilinear, to_input_tensor, validate_image
from ..deploy.spec import load_spec, sidecar_path


class CountInputError(ShufflenetDetError, ValueError):
    """An ``--input`` that cannot be fed to the model."""


@dataclass(frozen=True)
class CountInput:
    """A float32 NCHW tensor and a description of where it came from."""

    tensor: np.ndarray
    source: str


def noise_image(height: int, width: int) -> np.ndarray:
    """The device benchmark's deterministic noise image (RGB uint8)."""
    return np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)


def prepared_image(model: Path, image: np.ndarray) -> np.ndarray:
    """An RGB uint8 image resized to a detector's scale as its sidecar says, as model input."""
    validate_image(image)
    spec = load_spec(model)
    return to_input_tensor(resize_bilinear(image, *spec.input_scale.resized_size(*image.shape[:2])))


def count_input(model: Path, text: str) -> CountInput:
    """The tensor for ``--input`` ``text`` and ``model``.

    ``HxW``: a detector (a model with a sidecar) gets the device benchmark's noise image of that size, resized
    to its scale; any other model a standard-normal (1, 3, H, W) tensor (seed 0). ``FILE.npy``: a float32
    (N, 3, H, W) tensor is fed as it is; an (H, W, 3) uint8 RGB image is prepared for a detector.

    Raises:
        CountInputError: For a missing or unusable file, a malformed size, or an image without a sidecar.
    """
    if not text.endswith('.npy'):
        try:
            height, width = parse_size(text)
        except Exception:
            raise CountInputError(f'--input {text!r} is neither HxW (e.g. 224x224) nor a .npy file') from None
        if sidecar_path(model).is_file():
            return CountInput(prepared_image(model, noise_image(height, width)),
                              f'noise image {height}x{width} resized to the detector scale')
        tensor = np.random.default_rng(0).standard_normal((1, 3, height, width)).astype(np.float32)
        return CountInput(tensor, f'standard-normal tensor 1x3x{height}x{width} (seed 0)')
    path = Path(text)
    if not path.is_file():
        raise CountInputError(f'--input {path} not found')
    array = np.load(path, allow_pickle=False)
    if array.ndim == 4 and array.dtype == np.float32 and array.shape[1] == 3:
        return CountInput(array, f'tensor {path.name}')
    if array.ndim == 3 and array.dtype == np.uint8 and array.shape[2] == 3:
        if not sidecar_path(model).is_file():
            raise CountInputError(f'{path} is an image, but {model} has no sidecar to resize it for; pass a float32 '
                                  '(1, 3, H, W) tensor instead')
        return CountInput(prepared_image(model, array), f'image {path.name} resized to the detector scale')
    raise CountInputError(f'{path} holds a {array.dtype} array of shape {array.shape}; expected a float32 '
                          '(N, 3, H, W) tensor or an (H, W, 3) uint8 RGB image')
