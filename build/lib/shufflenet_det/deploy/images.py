"""Read images (``.npy`` with numpy alone; JPEG, PNG and more with Pillow) and write PNGs with zlib alone."""

import struct
import zlib
from pathlib import Path

import numpy as np

from .preprocess import validate_image

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def read_image(path: str | Path) -> np.ndarray:
    """Read an image as an RGB uint8 (H, W, 3) array.

    ``.npy`` files (an (H, W, 3) uint8 RGB array) need numpy only; any other format is read with Pillow, which is
    imported only then.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not a readable image or a ``.npy`` array holds no RGB image.
        ModuleNotFoundError: For a non-``.npy`` file when Pillow is not installed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'image {path} not found')
    if path.suffix.lower() == '.npy':
        try:
            image = np.load(path, allow_pickle=False)
        except ValueError as error:
            raise ValueError(f'{path} is not a numpy array file ({error})') from error
        try:
            return validate_image(image)
        except ValueError as error:
            raise ValueError(f'{path}: {error}') from error
    try:
        from PIL import Image, UnidentifiedImageError
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(f'reading {path.suffix} images needs Pillow (pip install pillow); without it, '
                                  'save the image as an (H, W, 3) uint8 RGB array with numpy.save and pass the .npy'
                                  ) from error
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert('RGB'))
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f'cannot read image {path} ({error})') from error


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 (H, W, 3) image (8 bits per channel, no filtering, zlib level 6)."""
    validate_image(image)
    height, width = image.shape[:2]
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * 3)], axis=1)
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, deflate, no filter, no interlace
    return (PNG_SIGNATURE + _png_chunk(b'IHDR', header) + _png_chunk(b'IDAT', zlib.compress(rows.tobytes(), 6))
            + _png_chunk(b'IEND', b''))


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Write an RGB uint8 (H, W, 3) image to ``path`` as PNG (numpy and zlib only).

    Raises:
        ValueError: If ``path`` does not end in ``.png``.
    """
    path = Path(path)
    if path.suffix.lower() != '.png':
        raise ValueError(f'drawings are written as PNG: use a .png file name, got {path.name}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_png(image))
    return path
