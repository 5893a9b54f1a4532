"""Read images (``.npy`` with numpy alone; JPEG, PNG and more with Pillow, EXIF orientation applied) and write PNGs
with zlib alone."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np

from ..core.output_paths import check_writable_file
from .preprocess import validate_image

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
#: Pillow modes with 8 bits per channel (or fewer), which convert to RGB without losing their range.
EIGHT_BIT_MODES = ('1', 'L', 'LA', 'P', 'PA', 'RGB', 'RGBA', 'RGBX', 'CMYK', 'YCbCr', 'LAB', 'HSV', 'La', 'RGBa')
#: EXIF tag of the orientation; values 5 to 8 turn the stored image by 90 degrees.
ORIENTATION_TAG = 0x0112
QUARTER_TURNS = (5, 6, 7, 8)


def _pillow(what: str):
    """Pillow's ``Image`` and ``ImageOps`` modules, imported only when an encoded image is read."""
    try:
        from PIL import Image, ImageOps
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(f'reading {what} needs Pillow (pip install pillow); without it, save the image as '
                                  'an (H, W, 3) uint8 RGB array with numpy.save and pass the .npy') from error
    return Image, ImageOps


def decode_image(data: bytes, name: str) -> np.ndarray:
    """Decode an image file's bytes to RGB uint8 (H, W, 3) as every part of this project does.

    A ``.npy`` name is read with numpy alone (an (H, W, 3) uint8 RGB array); anything else with Pillow, imported
    only then. The EXIF orientation is applied, as MMDetection's image loading applies it (OpenCV's
    ``IMREAD_COLOR`` and mmcv's Pillow backend alike); grayscale, palette, CMYK and other 8-bit modes are converted
    to RGB by Pillow and an alpha channel is dropped. The dataset's image loader decodes with this function too,
    so ``tools/test.py`` and ``tools/test_onnx.py`` see the same pixels.

    Args:
        data: The file's bytes.
        name: The file's name: its suffix picks numpy or Pillow, and messages show it.

    Raises:
        ValueError: If the bytes are not an image, have more than 8 bits per channel, or are a ``.npy`` array that
            holds no RGB image.
        ModuleNotFoundError: For a non-``.npy`` file when Pillow is not installed.
    """
    if name.lower().endswith('.npy'):
        try:
            return validate_image(np.load(io.BytesIO(data), allow_pickle=False))
        except ValueError as error:
            raise ValueError(f'{name}: {error}') from error
    image_module, image_ops = _pillow(f'image {name}')
    try:
        with image_module.open(io.BytesIO(data)) as image:
            if image.mode not in EIGHT_BIT_MODES:
                raise ValueError(f'image {name} has {image.mode!r} pixels (16-bit or floating point), which 8-bit RGB '
                                 'would clip; save it as an 8-bit image first, e.g. scaled by 255 / its maximum')
            return np.asarray(image_ops.exif_transpose(image).convert('RGB'))
    except (OSError, SyntaxError) as error:  # Pillow's decoders raise both for broken files
        raise ValueError(f'cannot read image {name} ({error})') from error


def read_image(path: str | Path) -> np.ndarray:
    """Read an image file as an RGB uint8 (H, W, 3) array (see :func:`decode_image`).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not a readable image, has more than 8 bits per channel (16-bit PNG) or is a
            ``.npy`` array that holds no RGB image.
        ModuleNotFoundError: For a non-``.npy`` file when Pillow is not installed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'image {path} not found')
    return decode_image(path.read_bytes(), str(path))


def image_size(path: str | Path) -> tuple[int, int]:
    """(height, width) that :func:`read_image` returns for ``path``, from the file's header only.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the file is not an image Pillow can identify, or not a numpy array file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'image {path} not found')
    if path.suffix.lower() == '.npy':
        try:
            return tuple(np.load(path, allow_pickle=False, mmap_mode='r').shape[:2])
        except ValueError as error:
            raise ValueError(f'{path} is not a numpy array file ({error})') from error
    image_module, _ = _pillow(f'image {path}')
    try:
        with image_module.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(ORIENTATION_TAG) in QUARTER_TURNS
    except (OSError, SyntaxError) as error:
        raise ValueError(f'cannot read image {path} ({error})') from error
    return (width, height) if turned else (height, width)


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


def check_png_path(path: str | Path, option: str = '--draw') -> Path:
    """Check, before any work, that a PNG can be written at ``path`` (given as ``option``).

    Raises:
        ValueError: If ``path`` does not end in ``.png``.
        OutputPathError: If ``path`` is a folder, or lies under a file or an unwritable folder.
    """
    path = Path(path)
    if path.suffix.lower() != '.png':
        raise ValueError(f'drawings are written as PNG: use a .png file name, got {path.name}')
    return check_writable_file(path, option)


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Write an RGB uint8 (H, W, 3) image to ``path`` as PNG (numpy and zlib only).

    Raises:
        ValueError: If ``path`` does not end in ``.png``.
    """
    path = check_png_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_png(image))
    return path
