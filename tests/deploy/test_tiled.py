"""Tiled detection on the device runner: tile offsets, boxes moved into the image, duplicates across tiles merged."""

from types import SimpleNamespace

import numpy as np
import pytest

from shufflenet_det.deploy.detections import Detections
from shufflenet_det.deploy.tiled import TiledDetector, merge_detections, nms


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]], np.float32)
    assert nms(boxes, np.array([0.5, 0.9, 0.3], np.float32), 0.5).tolist() == [1, 2]


def test_merge_joins_one_class_and_keeps_others() -> None:
    parts = [Detections.from_arrays([[0, 0, 10, 10]], [0.8], [0]),
             Detections.from_arrays([[1, 0, 10, 10], [0, 0, 10, 10]], [0.6, 0.7], [0, 1])]
    merged = merge_detections(parts, max_detections=10)
    assert merged.scores.tolist() == pytest.approx([0.8, 0.7]) and merged.labels.tolist() == [0, 1]
    assert len(merge_detections(parts, max_detections=1)) == 1


class ObjectAt:
    """A stand-in detector that finds one object at a fixed place of the whole image, in each tile showing it."""

    spec = SimpleNamespace(max_detections=100)

    def __init__(self, box: tuple[int, int, int, int]) -> None:
        self.box, self.calls = np.array(box, np.float32), []

    def detect(self, tile: np.ndarray) -> Detections:
        self.calls.append(tile.shape[:2])
        left, top = tile[0, 0, :2]  # the tile's offset, written into its first pixel below
        x0, y0, x1, y1 = self.box - np.array([left, top, left, top])
        height, width = tile.shape[:2]
        if x1 <= 0 or y1 <= 0 or x0 >= width or y0 >= height:
            return Detections.from_arrays(np.zeros((0, 4)), [], [])
        return Detections.from_arrays([[max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)]], [0.9], [0])


def test_tiled_detector_moves_boxes_into_the_image_and_merges_them() -> None:
    image = np.zeros((100, 250, 3), np.uint8)
    for left in (0, 80, 150):  # the tiles of 100 px overlapping by 0.2 start at x 0, 80 and 150
        image[0, left, :2] = (left, 0)
    fake = ObjectAt((85, 40, 95, 50))  # inside the tiles at x 0 and 80
    found = TiledDetector(fake, 100, 0.2).detect(image)
    assert fake.calls == [(100, 100)] * 3
    assert found.boxes.tolist() == [[85, 40, 95, 50]]  # seen by two tiles, reported once
