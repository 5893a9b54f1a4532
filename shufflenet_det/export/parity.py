"""Compare the detections of two runtimes on the same image."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Detections:
    """Detections of one image: ``boxes`` (N, 4) x1 y1 x2 y2, ``scores`` (N,), ``labels`` (N,)."""

    boxes: np.ndarray
    scores: np.ndarray
    labels: np.ndarray

    def top(self, count: int) -> 'Detections':
        """The ``count`` highest-scoring detections."""
        order = np.argsort(-self.scores, kind='stable')[:count]
        return Detections(self.boxes[order], self.scores[order], self.labels[order])


@dataclass(frozen=True)
class ImageParity:
    """How many of an image's top reference detections the other runtime reproduced."""

    image: str
    considered: int
    matched: int
    reference_count: int
    exported_count: int
    max_box_error: float
    max_score_error: float

    @property
    def rate(self) -> float:
        """Fraction of the considered detections that matched (1.0 when both runtimes found nothing)."""
        if self.considered == 0:
            return 1.0 if self.exported_count == 0 else 0.0
        return self.matched / self.considered


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box (4,) with each of ``boxes`` (N, 4)."""
    top_left = np.maximum(box[:2], boxes[:, :2])
    bottom_right = np.minimum(box[2:], boxes[:, 2:])
    intersection = np.prod(np.clip(bottom_right - top_left, 0, None), axis=1)
    area = np.prod(box[2:] - box[:2])
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    return intersection / np.maximum(area + areas - intersection, 1e-9)


def match_detections(image: str, reference: Detections, exported: Detections, top_k: int = 20,
                     min_iou: float = 0.99, score_tolerance: float = 1e-3) -> ImageParity:
    """Match the top ``top_k`` reference detections one to one against the exported model's detections.

    A reference detection matches an unused exported detection with the same label, IoU >= ``min_iou`` and
    score within ``score_tolerance``.
    """
    considered = reference.top(top_k)
    used = np.zeros(len(exported.scores), dtype=bool)
    matched, box_errors, score_errors = 0, [0.0], [0.0]
    for box, score, label in zip(considered.boxes, considered.scores, considered.labels, strict=True):
        candidates = (~used) & (exported.labels == label) & (np.abs(exported.scores - score) <= score_tolerance)
        if not candidates.any():
            continue
        ious = np.where(candidates, box_iou(box, exported.boxes) if len(exported.boxes) else 0.0, -1.0)
        best = int(np.argmax(ious))
        if ious[best] >= min_iou:
            used[best] = True
            matched += 1
            box_errors.append(float(np.abs(exported.boxes[best] - box).max()))
            score_errors.append(float(abs(exported.scores[best] - score)))
    return ImageParity(image, len(considered.scores), matched, len(reference.scores), len(exported.scores),
                       max(box_errors), max(score_errors))
