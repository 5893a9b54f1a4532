"""Read COCO json as annotation tools write it, not only as COCO's own files are.

Accepted on top of COCO's own files: no ``area`` or ``iscrowd`` (CVAT, Label Studio), category ids from 0 or with
gaps, annotations with a ``segmentation`` (polygons or RLE) and no ``bbox``, Roboflow's extra category 0 (the
dataset's name, the supercategory of every class, with no boxes), ``file_name`` with folders or an absolute path
from another machine. Several json files (``train``/``val``/``test`` in their name or folder) give the split.
Class names must be unique; duplicate image ids stop the conversion, since their boxes cannot be told apart.
"""

import json
from pathlib import Path

from ..core.errors import DatasetError
from .image_files import ImageIndex
from .records import Problems, SourceBox, SourceData, SourceImage
from .splits import names_give_splits, split_named_by


def _segmentation_box(segmentation: object, image: dict) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)`` around a polygon list or an RLE, or None when it holds no point."""
    if isinstance(segmentation, list):
        points = [value for polygon in segmentation if isinstance(polygon, list) for value in polygon]
        if len(points) < 4 or not all(isinstance(value, int | float) for value in points):
            return None
        xs, ys = points[0::2], points[1::2]
        return min(xs), min(ys), max(xs), max(ys)
    if isinstance(segmentation, dict) and 'counts' in segmentation:
        from pycocotools import mask as mask_utils  # only RLE masks need it

        rle = segmentation
        if isinstance(rle['counts'], list):  # uncompressed RLE
            height, width = rle.get('size') or (image.get('height'), image.get('width'))
            rle = mask_utils.frPyObjects(rle, height, width)
        x, y, w, h = mask_utils.toBbox(rle).tolist()
        return (x, y, x + w, y + h) if w > 0 and h > 0 else None
    return None


def _categories(data: dict, path: Path) -> dict:
    """Category id -> name, without Roboflow's supercategory-named category when it has no boxes."""
    categories = data['categories']
    names = {category['id']: str(category['name']).strip() for category in categories}
    if len(set(names.values())) < len(names):
        raise DatasetError(f'{path}: two categories share a name ({sorted(names.values())}); class names must be '
                           'unique')
    used = {ann.get('category_id') for ann in data['annotations']}
    supercategories = {category.get('supercategory') for category in categories}
    return {cid: name for cid, name in names.items() if cid in used or name not in supercategories}


def _check_structure(data: object, path: Path) -> None:
    if not isinstance(data, dict) or not all(isinstance(data.get(key), list)
                                             for key in ('images', 'annotations', 'categories')):
        raise DatasetError(f'{path} is not a COCO detection file: it needs `images`, `annotations` and '
                           '`categories` lists')
    for section, keys in (('images', ('id', 'file_name')), ('categories', ('id', 'name')),
                          ('annotations', ('image_id', 'category_id'))):
        for number, entry in enumerate(data[section]):
            if not isinstance(entry, dict) or any(key not in entry for key in keys):
                raise DatasetError(f'{path}: {section}[{number}] lacks {" or ".join(keys)}: '
                                   f'{json.dumps(entry)[:120]}')
    ids = [image['id'] for image in data['images']]
    if len(set(ids)) < len(ids):
        duplicate = next(image_id for image_id in ids if ids.count(image_id) > 1)
        raise DatasetError(f'{path}: image id {duplicate} is used by {ids.count(duplicate)} images; each image '
                           'needs its own id, or its boxes cannot be told apart')


def _read_file(path: Path, index: ImageIndex, problems: Problems, classes: list[str]) -> list[SourceImage]:
    text = path.read_text(encoding='utf-8-sig')
    if not text.strip():
        problems.add('empty annotation', str(path))
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DatasetError(f'{path} line {error.lineno}, column {error.colno}: malformed JSON ({error.msg})'
                           ) from error
    _check_structure(data, path)
    names = _categories(data, path)
    classes.extend(name for name in names.values() if name not in classes)
    split = split_named_by(path)
    entries = {image['id']: image for image in data['images']}
    images = {}
    for image in data['images']:
        try:
            recorded = (int(image['width']), int(image['height']))
        except (KeyError, TypeError, ValueError):
            recorded = None
        name = str(image['file_name'])
        images[image['id']] = SourceImage(name=name, path=index.resolve(name, path), boxes=[], split=split,
                                          where=f'{path} image id {image["id"]}', recorded_size=recorded)
    for number, ann in enumerate(data['annotations']):
        where = f'{path} annotations[{number}]'
        if ann['image_id'] not in images:
            problems.error(f'{where}: image_id {ann["image_id"]} is not in `images`')
            continue
        if ann['category_id'] not in names:
            problems.add('unknown label', f'{where}: category_id {ann["category_id"]} is not in `categories`')
            continue
        bbox = ann.get('bbox')
        if isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(value, int | float) for value in bbox):
            x, y, w, h = bbox
            corners = (x, y, x + w, y + h)
        else:
            corners = _segmentation_box(ann.get('segmentation'), entries[ann['image_id']])
            if corners is None:
                problems.error(f'{where}: no `bbox` [x, y, width, height] and no segmentation to take one from')
                continue
        images[ann['image_id']].boxes.append(SourceBox(names[ann['category_id']], *corners, where,
                                                       crowd=bool(ann.get('iscrowd', 0))))
    return list(images.values())


def _looks_like_coco(content: bytes) -> bool:
    """Whether a json file names a COCO section (other json files, such as LabelMe's, are left alone)."""
    return any(key in content for key in (b'"images"', b'"annotations"', b'"categories"'))


def read_coco(source: Path, index: ImageIndex) -> SourceData:
    """Read ``source`` if it is a json file, else every COCO json under it (LabelMe files are not COCO's).

    Raises:
        DatasetError: If a file is malformed, not a COCO detection file, repeats an image id or a class name.
    """
    problems = Problems()
    classes: list[str] = []
    files = [source] if source.is_file() else [
        path for path in index.annotation_files('.json') if _looks_like_coco(path.read_bytes())]
    if not files:
        raise DatasetError(f'{source} holds no COCO json file (one with `images`, `annotations` and `categories`)')
    images = [image for path in files for image in _read_file(path, index, problems, classes)]
    has_split = names_give_splits(files)
    if not has_split:
        for image in images:
            image.split = None
    return SourceData(images=images, classes=classes, problems=problems, has_split=has_split)
