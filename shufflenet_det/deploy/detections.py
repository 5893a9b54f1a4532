"""Detections of one image, and matching two runs' detections one to one (export parity, x86 vs ARM)."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Detections:
    """Detections of one image.

    Attributes:
        boxes: (N, 4) float32 x1, y1, x2, y2 in pixels.
        scores: (N,) float32.
        labels: (N,) int64 indices into the model's class list.
    """

    boxes: np.ndarray
    scores: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)

    @classmethod
    def from_arrays(cls, boxes: object, scores: object, labels: object) -> 'Detections':
        """Detections from array-likes, with the dtypes and box shape of :class:`Detections`."""
        return cls(boxes=np.asarray(boxes, dtype=np.float32).reshape(-1, 4),
                   scores=np.asarray(scores, dtype=np.float32).reshape(-1),
                   labels=np.asarray(labels, dtype=np.int64).reshape(-1))

    @classmethod
    def from_list(cls, items: list[dict]) -> 'Detections':
        """The inverse of :meth:`to_list` (class names are dropped)."""
        return cls.from_arrays([item['box'] for item in items], [item['score'] for item in items],
                               [item['label'] for item in items])

    def to_list(self, classes: tuple[str, ...]) -> list[dict]:
        """One plain dict per detection (label, class name, score, box), for JSON."""
        return [{'label': int(label), 'class': class_name(classes, int(label)), 'score': float(score),
                 'box': [float(value) for value in box]}
                for box, score, label in zip(self.boxes, self.scores, self.labels, strict=True)]

    def select(self, keep: np.ndarray) -> 'Detections':
        """The detections picked by a boolean mask or an index array."""
        return Detections(self.boxes[keep], self.scores[keep], self.labels[keep])

    def top(self, count: int) -> 'Detections':
        """The ``count`` highest-scoring detections, highest first (ties keep their order)."""
        return self.select(np.argsort(-self.scores, kind='stable')[:count])


def class_name(classes: tuple[str, ...], label: int) -> str:
    """The name of ``label``, or ``#<label>`` when the class list has no such entry."""
    return classes[label] if 0 <= label < len(classes) else f'#{label}'


@dataclass(frozen=True)
class MatchTolerance:
    """When a detection of one run is the same detection in another.

    Both need the same label and scores within ``score``; boxes must overlap with IoU >= ``min_iou`` and/or
    differ by at most ``box`` pixels in every coordinate (a criterion left None is not applied).
    """

    score: float
    min_iou: float | None = None
    box: float | None = None


@dataclass(frozen=True)
class DetectionMatch:
    """How many of the reference detections the other run reproduced.

    Attributes:
        considered: Reference detections that were looked for (the top ``top_k``, or all).
        matched: Considered detections with a partner of their own in the other run.
        reference_count: All detections of the reference run.
        other_count: All detections of the other run.
        max_box_error: Largest box coordinate difference among matched pairs (pixels).
        max_score_error: Largest score difference among matched pairs.
        unmatched: Indices (into the considered detections, highest score first) of those without a partner.
    """

    considered: int
    matched: int
    reference_count: int
    other_count: int
    max_box_error: float
    max_score_error: float
    unmatched: tuple[int, ...]

    @property
    def rate(self) -> float:
        """Fraction of the considered detections that matched (1.0 when both runs found nothing)."""
        if self.considered == 0:
            return 1.0 if self.other_count == 0 else 0.0
        return self.matched / self.considered


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box (4,) with each of ``boxes`` (N, 4)."""
    top_left = np.maximum(box[:2], boxes[:, :2])
    bottom_right = np.minimum(box[2:], boxes[:, 2:])
    intersection = np.prod(np.clip(bottom_right - top_left, 0, None), axis=1)
    area = np.prod(box[2:] - box[:2])
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    return intersection / np.maximum(area + areas - intersection, 1e-9)


def match_detections(reference: Detections, other: Detections, tolerance: MatchTolerance,
                     top_k: int | None = None) -> DetectionMatch:
    """Give each of the top ``top_k`` reference detections (all without it) its own partner in ``other``.

    Reference detections are taken from the highest score down; each takes, among the unused detections of
    ``other`` within ``tolerance``, the one whose box differs least. Detections with near-equal scores may
    therefore come in either order.
    """
    considered = reference.top(len(reference) if top_k is None else top_k)
    used = np.zeros(len(other), dtype=bool)
    box_errors, score_errors, unmatched = [0.0], [0.0], []
    for index, (box, score, label) in enumerate(zip(considered.boxes, considered.scores, considered.labels,
                                                    strict=True)):
        errors = np.abs(other.boxes - box).max(axis=1) if len(other) else np.zeros(0, np.float32)
        candidates = (~used) & (other.labels == label) & (np.abs(other.scores - score) <= tolerance.score)
        if tolerance.box is not None:
            candidates &= errors <= tolerance.box
        if tolerance.min_iou is not None and len(other):
            candidates &= box_iou(box, other.boxes) >= tolerance.min_iou
        if not candidates.any():
            unmatched.append(index)
            continue
        partner = int(np.argmin(np.where(candidates, errors, np.inf)))
        used[partner] = True
        box_errors.append(float(errors[partner]))
        score_errors.append(float(abs(other.scores[partner] - score)))
    return DetectionMatch(considered=len(considered), matched=len(considered) - len(unmatched),
                          reference_count=len(reference), other_count=len(other), max_box_error=max(box_errors),
                          max_score_error=max(score_errors), unmatched=tuple(unmatched))
