"""Keep-ratio resize as MMDetection does it, and clear errors for images of the wrong rank, dtype or channels."""

import cv2
import mmcv
import numpy as np
import pytest

from shufflenet_det.deploy import preprocess
from shufflenet_det.deploy.preprocess import resize_bilinear, resized_size, validate_image, validate_input_tensor


@pytest.mark.parametrize('size', [(480, 640), (640, 480), (300, 1000), (123, 77), (1000, 1000), (20, 30)])
@pytest.mark.parametrize('scale, max_size', [(300, 500), (600, 1000)])
def test_resized_size_follows_mmdetection(size, scale, max_size):
    expected = mmcv.imrescale(np.zeros((*size, 3), np.uint8), (max_size, scale)).shape[:2]
    assert resized_size(*size, scale, max_size) == expected


def test_known_sizes():
    assert resized_size(480, 640, 300, 500) == (300, 400)
    assert resized_size(300, 1000, 300, 500) == (150, 500)


@pytest.mark.parametrize('source, target', [((90, 120), (64, 85)), ((40, 50), (96, 120)), ((64, 64), (64, 64)),
                                            ((247, 235), (404, 384)), ((100, 150), (50, 75)), ((300, 200), (31, 20))])
def test_bilinear_resize_is_bit_exact_with_opencv(source, target):
    image = np.random.default_rng(0).integers(0, 256, (*source, 3), dtype=np.uint8)
    ours = resize_bilinear(image, *target)
    reference = cv2.resize(image, target[::-1], interpolation=cv2.INTER_LINEAR)
    assert ours.shape == reference.shape and ours.dtype == np.uint8
    assert np.array_equal(ours, reference)


def test_input_tensor_is_rgb_nchw_float_0_to_255():
    image = np.zeros((4, 5, 3), np.uint8)
    image[..., 0], image[..., 2] = 255, 7
    tensor = preprocess.to_input_tensor(image)
    assert tensor.shape == (1, 3, 4, 5) and tensor.dtype == np.float32
    assert tensor[0, 0].max() == 255 and tensor[0, 1].max() == 0 and tensor[0, 2].min() == 7


@pytest.mark.parametrize('image, message', [
    (np.zeros((8, 8), np.uint8), r'rank 3 .*got rank 2, shape \(8, 8\).*grayscale'),
    (np.zeros((1, 8, 8, 3), np.uint8), r'got rank 4.*batch'),
    (np.zeros((3, 8, 9), np.uint8), r'3 channels.*got 9 channels.*transpose'),
    (np.zeros((8, 8, 4), np.uint8), r'got 4 channels.*RGBA'),
    (np.zeros((8, 8, 3), np.float32), r'dtype must be uint8.*got float32'),
    (np.zeros((0, 8, 3), np.uint8), r'empty'),
    ([[1, 2, 3]], r'numpy array.*got list'),
])
def test_bad_images_are_rejected_with_what_was_given(image, message):
    with pytest.raises(ValueError, match=message):
        validate_image(image)


@pytest.mark.parametrize('tensor, message', [
    (np.zeros((3, 8, 8), np.float32), r'\(1, 3, H, W\); got rank 3'),
    (np.zeros((2, 3, 8, 8), np.float32), r'got rank 4, shape \(2, 3, 8, 8\)'),
    (np.zeros((1, 1, 8, 8), np.float32), r'3 channels.*got 1 channels'),
    (np.zeros((1, 3, 8, 8), np.uint8), r'float32.*got uint8'),
])
def test_bad_model_inputs_are_rejected(tensor, message):
    with pytest.raises(ValueError, match=message):
        validate_input_tensor(tensor)
