"""Reading .npy and Pillow images, the zlib PNG writer, and drawing detections."""

import numpy as np
import pytest
from PIL import Image

from shufflenet_det.deploy.detections import Detections
from shufflenet_det.deploy.draw import class_colour, draw_detections
from shufflenet_det.deploy.images import read_image, write_png


def test_png_writer_round_trips_through_pillow(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (17, 23, 3), dtype=np.uint8)
    path = write_png(tmp_path / 'out.png', image)
    np.testing.assert_array_equal(np.asarray(Image.open(path).convert('RGB')), image)
    np.testing.assert_array_equal(read_image(path), image)


def test_png_writer_refuses_other_formats(tmp_path):
    with pytest.raises(ValueError, match='use a .png file name'):
        write_png(tmp_path / 'out.jpg', np.zeros((4, 4, 3), np.uint8))


def test_npy_images(tmp_path):
    image = np.full((5, 6, 3), 9, np.uint8)
    np.save(tmp_path / 'ok.npy', image)
    np.testing.assert_array_equal(read_image(tmp_path / 'ok.npy'), image)
    np.save(tmp_path / 'chw.npy', image.transpose(2, 0, 1))
    with pytest.raises(ValueError, match=r'chw.npy: .*got 6 channels'):
        read_image(tmp_path / 'chw.npy')
    with pytest.raises(FileNotFoundError, match='absent.npy not found'):
        read_image(tmp_path / 'absent.npy')


def test_unreadable_image_file(tmp_path):
    (tmp_path / 'fake.jpg').write_bytes(b'not a jpeg')
    with pytest.raises(ValueError, match='cannot read image'):
        read_image(tmp_path / 'fake.jpg')


def test_boxes_are_drawn_in_class_colours():
    image = np.zeros((40, 60, 3), np.uint8)
    detections = Detections(boxes=np.array([[10, 5, 30, 25], [0, 0, 59, 39]], np.float32),
                            scores=np.array([0.9, 0.1], np.float32), labels=np.array([1, 0]))
    drawn = draw_detections(image, detections, ('a', 'b'), min_score=0.5)
    assert (drawn[15, 10] == class_colour(1)).all() and (drawn[25, 20] == class_colour(1)).all()
    assert (drawn[15, 20] == 0).all()  # inside the box stays untouched
    assert (drawn[39, 5] == 0).all()  # the low-scoring box is not drawn
    assert (image == 0).all()  # the input is not modified
