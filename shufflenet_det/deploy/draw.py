"""Draw detections on an image: box outlines with numpy; class names and scores too when Pillow is installed."""

import numpy as np

from .detections import Detections, class_name
from .preprocess import validate_image

#: One colour per class (cycled), chosen to stay visible on light and dark backgrounds.
PALETTE = np.array([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48], [145, 30, 180],
                    [70, 240, 240], [240, 50, 230], [210, 245, 60], [0, 128, 128]], dtype=np.uint8)


def class_colour(label: int) -> np.ndarray:
    """The RGB colour of class ``label``."""
    return PALETTE[label % len(PALETTE)]


def draw_box(image: np.ndarray, box: np.ndarray, colour: np.ndarray, thickness: int = 2) -> None:
    """Draw the outline of an x1, y1, x2, y2 box into ``image`` in place (clipped to the image)."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = (int(round(float(value))) for value in box)
    x1, x2 = max(0, min(x1, width - 1)), max(0, min(x2, width - 1))
    y1, y2 = max(0, min(y1, height - 1)), max(0, min(y2, height - 1))
    if x2 < x1 or y2 < y1:
        return
    image[y1:min(y1 + thickness, y2 + 1), x1:x2 + 1] = colour
    image[max(y2 - thickness + 1, y1):y2 + 1, x1:x2 + 1] = colour
    image[y1:y2 + 1, x1:min(x1 + thickness, x2 + 1)] = colour
    image[y1:y2 + 1, max(x2 - thickness + 1, x1):x2 + 1] = colour


def _write_captions(image: np.ndarray, detections: Detections, classes: tuple[str, ...]) -> np.ndarray:
    """``image`` with 'class score' above every box, or unchanged when Pillow is not installed."""
    try:
        from PIL import Image, ImageDraw
    except ModuleNotFoundError:
        return image
    canvas = Image.fromarray(image)
    pen = ImageDraw.Draw(canvas)
    for box, score, label in zip(detections.boxes, detections.scores, detections.labels, strict=True):
        pen.text((float(box[0]) + 3, max(float(box[1]) - 11, 0)), f'{class_name(classes, int(label))} {score:.2f}',
                 fill=tuple(int(c) for c in class_colour(int(label))))
    return np.asarray(canvas)


def draw_detections(image: np.ndarray, detections: Detections, classes: tuple[str, ...],
                    min_score: float = 0.0) -> np.ndarray:
    """A copy of the RGB uint8 ``image`` with the detections scoring at least ``min_score`` drawn on it.

    Boxes are drawn with numpy alone; captions (class name and score) need Pillow and are left out without it.
    """
    canvas = validate_image(image).copy()
    keep = detections.scores >= min_score
    shown = detections.select(keep)
    for box, label in zip(shown.boxes, shown.labels, strict=True):
        draw_box(canvas, box, class_colour(int(label)))
    return _write_captions(canvas, shown, classes)
