"""One image reader for the device runner, tools/test_onnx.py and the dataset: EXIF orientation applied as
MMDetection applies it, and the same pixels for CMYK, palette, grayscale and alpha images."""

import mmcv
import numpy as np
import pytest
from annotation_readers import edit_annotations
from mmdet.registry import TRANSFORMS
from PIL import Image

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.deploy.images import image_size, read_image

ORIENTATION = 0x0112


def pattern(height: int = 40, width: int = 64) -> np.ndarray:
    """An asymmetric RGB image, so that every turn and flip gives other pixels."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:10, :20] = (220, 40, 40)
    image[25:, 40:] = (40, 200, 90)
    image[..., 2] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    return image


def save_jpeg_with_orientation(path, orientation: int, pixels: np.ndarray) -> None:
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    image.save(path, exif=exif, quality=95)


def dataset_loader_rgb(path) -> np.ndarray:
    """The pixels CheckedCocoDataset's loader gives (BGR, as MMDetection's pipelines expect), as RGB."""
    loaded = TRANSFORMS.build(dict(type='LoadImageFromFileChecked'))(dict(img_path=str(path)))
    return loaded['img'][..., ::-1]


@pytest.mark.parametrize('orientation', range(1, 9))
def test_exif_orientation_is_applied_as_mmdetection_applies_it(tmp_path, orientation):
    path = tmp_path / f'turned_{orientation}.jpg'
    save_jpeg_with_orientation(path, orientation, pattern())
    # MMDetection's LoadImageFromFile: mmcv.imfrombytes with flag 'color' and the cv2 backend (IMREAD_COLOR).
    mmdetection = mmcv.imfrombytes(path.read_bytes(), flag='color', backend='cv2')[..., ::-1]
    device = read_image(path)
    np.testing.assert_array_equal(device, mmdetection)
    np.testing.assert_array_equal(dataset_loader_rgb(path), device)
    assert image_size(path) == device.shape[:2] == ((64, 40) if orientation >= 5 else (40, 64))


def save_in_mode(path, mode: str) -> None:
    image = Image.fromarray(pattern())
    if mode == 'RGBA':
        image = image.convert('RGBA')
        image.putalpha(Image.fromarray(np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (40, 1))))
    elif mode == 'LA':
        image = image.convert('LA')
    else:
        image = image.convert(mode)
    image.save(path)


@pytest.mark.parametrize('mode, suffix', [('CMYK', 'jpg'), ('P', 'png'), ('L', 'png'), ('L', 'jpg'), ('RGBA', 'png'),
                                          ('LA', 'png'), ('1', 'png')])
def test_device_and_dataset_decode_every_mode_to_the_same_pixels(tmp_path, mode, suffix):
    path = tmp_path / f'{mode}.{suffix}'
    save_in_mode(path, mode)
    device = read_image(path)
    assert device.shape == (40, 64, 3) and device.dtype == np.uint8
    np.testing.assert_array_equal(dataset_loader_rgb(path), device)


@pytest.fixture
def turned_photo(colour_dataset, onnx_fixture):
    """Image 1 of the colour dataset replaced by a JPEG stored 150x90 (width x height) with EXIF orientation 6,
    shown 90x150."""
    images = colour_dataset.parent / 'images'
    (images / '1.png').unlink()
    pixels = np.zeros((90, 150, 3), np.uint8)
    pixels[..., 1] = 160
    save_jpeg_with_orientation(images / '1.jpg', 6, pixels)

    def edit(coco: dict) -> None:
        coco['images'][0].update(file_name='1.jpg', width=90, height=150)  # as seen after the turn
        x1, y1, x2, y2 = (onnx_fixture.BOX_FRACTIONS[1] * [90, 150, 90, 150]).tolist()
        coco['annotations'][0].update(bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1))

    edit_annotations(colour_dataset, edit)
    return colour_dataset


def test_an_exif_turned_photo_is_detected_in_the_frame_mmdetection_uses(turned_photo, readers):
    assert len(readers.dataset(turned_photo, test_mode=True)) == 3
    assert readers.test_onnx_map(turned_photo) == 100.0


def test_a_size_recorded_before_the_turn_is_the_same_error_in_both_evaluators(turned_photo, readers):
    edit_annotations(turned_photo, lambda coco: coco['images'][0].update(width=150, height=90))
    for read in (lambda: readers.dataset(turned_photo, test_mode=True), lambda: readers.test_onnx_map(turned_photo)):
        with pytest.raises(DatasetError, match=r'1 image of .* differs in size from the record \(1.jpg is 90x150, '
                                               r'recorded 150x90; width x height, after the EXIF orientation'):
            read()
    assert len(readers.dataset(turned_photo)) == 2  # training skips it, counted


def test_an_npy_image_reads_alike_on_the_device_and_in_the_dataset(tmp_path):
    path = tmp_path / 'pixels.npy'
    np.save(path, pattern())
    np.testing.assert_array_equal(read_image(path), pattern())
    np.testing.assert_array_equal(dataset_loader_rgb(path), pattern())
    assert image_size(path) == (40, 64)
