"""Read LabelMe JSON files: one per image, ``shapes`` with a ``label``, ``points`` and a ``shape_type``.

Rectangles are two opposite corners in the order they were dragged; polygons, line strips and masks count as the
box around their points, circles as the box around the circle (centre and a point on it). Points and lines have
no area and are listed as skipped. ``imagePath`` is relative to the JSON file and often written with Windows
backslashes; when the image file is missing, the image embedded as base64 in ``imageData`` is used instead.
LabelMe shows (and records the size of) the image turned by its EXIF orientation.
"""

import base64
import binascii
import json
import math
from pathlib import Path

from .image_files import ImageIndex
from .records import Problems, SourceBox, SourceData, SourceImage

AREA_SHAPES = ('rectangle', 'polygon', 'linestrip', 'mask', 'circle')


def _shape_box(shape: dict, where: str, problems: Problems) -> SourceBox | None:
    label, kind = shape.get('label'), shape.get('shape_type') or 'polygon'
    points = shape.get('points')
    if not (isinstance(points, list) and points and all(
            isinstance(point, list) and len(point) == 2 and all(isinstance(value, int | float) for value in point)
            for point in points)):
        problems.error(f'{where}: points must be a list of [x, y] numbers, got {json.dumps(points)[:80]}')
        return None
    if not isinstance(label, str) or not label.strip():
        problems.error(f'{where}: a shape without a label')
        return None
    if kind not in AREA_SHAPES or (kind != 'circle' and len(points) < 2):
        problems.add('no box shape', f'{where}: a {kind} with {len(points)} point(s)')
        return None
    if kind == 'circle':
        (cx, cy), (px, py) = points[:2]
        radius = math.hypot(px - cx, py - cy)
        return SourceBox(label.strip(), cx - radius, cy - radius, cx + radius, cy + radius, where)
    xs, ys = [point[0] for point in points], [point[1] for point in points]
    return SourceBox(label.strip(), min(xs), min(ys), max(xs), max(ys), where)


def _embedded(data: dict) -> bytes | None:
    try:
        return base64.b64decode(data['imageData'], validate=True) if data.get('imageData') else None
    except (binascii.Error, TypeError, ValueError):
        return None


def _read_file(path: Path, index: ImageIndex, problems: Problems) -> SourceImage | None:
    text = path.read_text(encoding='utf-8-sig')
    if not text.strip():
        problems.add('empty annotation', str(path))
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.error(f'{path} line {error.lineno}, column {error.colno}: malformed JSON ({error.msg})')
        return None
    if not isinstance(data, dict) or 'shapes' not in data:
        return None  # another JSON file (a COCO file, a config): not LabelMe's
    if not isinstance(data['shapes'], list) or not isinstance(data.get('imagePath'), str):
        problems.error(f'{path}: a LabelMe file needs a `shapes` list and an `imagePath`')
        return None
    boxes = []
    for number, shape in enumerate(data['shapes'], start=1):
        box = _shape_box(shape if isinstance(shape, dict) else {}, f'{path} shape {number}', problems)
        if box is not None:
            boxes.append(box)
    try:
        recorded = (int(data['imageWidth']), int(data['imageHeight']))
    except (KeyError, TypeError, ValueError):
        recorded = None
    image_path = index.resolve(data['imagePath'], path) if data['imagePath'] else None
    embedded = _embedded(data) if image_path is None else None
    return SourceImage(name=data['imagePath'] or path.stem, path=image_path, boxes=boxes, where=str(path),
                       recorded_size=recorded, embedded=embedded)


def read_labelme(source: Path, index: ImageIndex) -> SourceData:
    """Read every LabelMe ``.json`` under ``source`` (other JSON files are left alone)."""
    problems = Problems()
    images = [image for path in index.annotation_files('.json')
              if (image := _read_file(path, index, problems)) is not None]
    return SourceData(images=images, classes=None, problems=problems)
