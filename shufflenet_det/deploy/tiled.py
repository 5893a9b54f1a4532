"""Detect on large images tile by tile: run the detector on overlapping tiles, move each tile's boxes into the
image, and merge them with per-class NMS over the whole image (numpy only), so that an object seen by two tiles
is reported once."""

import math
from typing import Any, Protocol

import numpy as np

from .detections import Detections, box_iou


class ImageDetector(Protocol):
    """What the evaluation loop runs: the exported model's :class:`~.detector.Detector`, or the PyTorch one."""

    spec: Any  # with ``classes`` and ``max_detections``

    def detect(self, image: np.ndarray) -> Detections:
        """Detections in an RGB uint8 (H, W, 3) image, boxes in its pixels."""


#: IoU above which two detections of one class from different tiles are the same object (MMDetection's NMS IoU).
MERGE_IOU = 0.5


def tile_starts(length: int, size: int, overlap: float) -> list[int]:
    """Tile offsets along a side of ``length``: every ``(1 - overlap) * size`` pixels, the last flush with the end."""
    if length <= size:
        return [0]
    step = max(1, math.floor(size * (1 - overlap)))
    return sorted(set(range(0, length - size, step)) | {length - size})


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Indices of the boxes greedy NMS keeps, highest score first."""
    order = np.argsort(-scores, kind='stable')
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[box_iou(boxes[best], boxes[order]) <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)


def merge_detections(parts: list[Detections], max_detections: int, iou_threshold: float = MERGE_IOU) -> Detections:
    """Join detections of one image from several tiles: per-class NMS, then the ``max_detections`` best."""
    joined = Detections.from_arrays(np.concatenate([part.boxes for part in parts]),
                                    np.concatenate([part.scores for part in parts]),
                                    np.concatenate([part.labels for part in parts]))
    keep = [np.flatnonzero(joined.labels == label)[nms(joined.boxes[joined.labels == label],
                                                       joined.scores[joined.labels == label], iou_threshold)]
            for label in np.unique(joined.labels)]
    return joined.select(np.concatenate(keep) if keep else np.zeros(0, np.int64)).top(max_detections)


def merge_tiles(found: list[tuple[int, int, Detections]], max_detections: int) -> Detections:
    """Detections of an image's tiles, each ``(left, top, detections in the tile's pixels)``, moved into the image
    and merged with :func:`merge_detections`."""
    return merge_detections([Detections(part.boxes + np.array([left, top, left, top], np.float32), part.scores,
                                        part.labels) for left, top, part in found], max_detections)


class TiledDetector:
    """A detector run on ``size`` x ``size`` tiles overlapping by ``overlap``, merged over the image.

    Args:
        detector: The exported model's detector, or the PyTorch one behind the same interface.
        size: Tile side in pixels (images no larger are run whole).
        overlap: Share of a tile its neighbour repeats, in [0, 1).
    """

    def __init__(self, detector: ImageDetector, size: int, overlap: float) -> None:
        if size < 1 or not 0 <= overlap < 1:
            raise ValueError(f'tiles of {size} px overlapping by {overlap}: give a positive size and an overlap in '
                             '[0, 1)')
        self.detector, self.size, self.overlap = detector, size, overlap
        self.spec = detector.spec

    def cut(self, image: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
        """The tiles of an (H, W, 3) image as ``(left, top, tile)``, row by row (one tile when the image fits)."""
        height, width = image.shape[:2]
        return [(left, top, np.ascontiguousarray(image[top:top + self.size, left:left + self.size]))
                for top in tile_starts(height, self.size, self.overlap)
                for left in tile_starts(width, self.size, self.overlap)]

    def merge(self, found: list[tuple[int, int, Detections]]) -> Detections:
        """Each tile's detections ``(left, top, detections in the tile's pixels)`` moved into the image and merged."""
        return merge_tiles(found, self.spec.max_detections)

    def detect(self, image: np.ndarray) -> Detections:
        """Detect objects in an RGB uint8 (H, W, 3) image tile by tile; boxes are in the image's own pixels."""
        return self.merge([(left, top, self.detector.detect(tile)) for left, top, tile in self.cut(image)])
