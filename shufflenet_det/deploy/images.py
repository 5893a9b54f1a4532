"""Read images (``.npy`` with numpy alone; JPEG, PNG and more with Pillow) and write PNGs with zlib alone."""

import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .preprocess import validate_image

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
#: Pillow modes with 8 bits per channel (or fewer), which convert to RGB without losing their range.
EIGHT_BIT_MODES = ('1', 'L', 'LA', 'P', 'PA', 'RGB', 'RGBA', 'RGBX', 'CMYK', 'YCbCr', 'LAB', 'HSV', 'La', 'RGBa')


def read_image(path: str | Path) -> np.ndarray:
    """Read an image as an RGB uint8 (H, W, 3) array.

    ``.npy`` files (an (H, W, 3) uint8 RGB array) need numpy only; any other format is read with Pillow, which is
    imported only then.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not a readable image, has more than 8 bits per channel (16-bit PNG) or is a
            ``.npy`` array that holds no RGB image.
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
            if image.mode not in EIGHT_BIT_MODES:
                raise ValueError(f'image {path} has {image.mode!r} pixels (16-bit or floating point), which 8-bit RGB '
                                 'would clip; save it as an 8-bit image first, e.g. scaled by 255 / its maximum')
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


def check_png_path(path: str | Path) -> Path:
    """Check, before any work, that a PNG can be written at ``path``.

    Raises:
        ValueError: If ``path`` does not end in ``.png``, is a folder, or lies under a file or an unwritable folder.
    """
    path = Path(path)
    if path.suffix.lower() != '.png':
        raise ValueError(f'drawings are written as PNG: use a .png file name, got {path.name}')
    if path.is_dir():
        raise ValueError(f'{path} is a folder; give a file name ending in .png')
    folder = next((parent for parent in path.absolute().parents if parent.exists()), None)
    if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ValueError(f'cannot write {path}: {folder} is not a writable folder')
    return path


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Write an RGB uint8 (H, W, 3) image to ``path`` as PNG (numpy and zlib only).

    Raises:
        ValueError: If ``path`` does not end in ``.png``.
    """
    path = check_png_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_png(image))
    return path
