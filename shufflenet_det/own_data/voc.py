"""Read Pascal VOC XML annotations: a VOCdevkit tree (``Annotations/``, ``JPEGImages/``, ``ImageSets/Main/``) or
the flat folders LabelImg and CVAT write (one ``.xml`` beside or apart from each image).

VOC coordinates are 1-based pixel indices, both ends included: ``xmin=1, xmax=W`` covers the whole image, so the
left and top edges are ``xmin - 1`` and ``ymin - 1`` (as Detectron2 and torchvision's converters read them).
CVAT writes fractional coordinates and LabelImg whole ones; both are read as numbers. ``difficult`` objects become
crowd boxes, which training and COCO evaluation ignore, as the VOC benchmark does.
"""

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from .image_files import ImageIndex
from .records import Problems, SourceBox, SourceData, SourceImage

#: ImageSets/Main list files and the split each gives, in order of preference.
SPLIT_LISTS = (('train.txt', 'train'), ('val.txt', 'val'), ('test.txt', 'test'))


def _text(element: ElementTree.Element | None, tag: str) -> str | None:
    child = element.find(tag) if element is not None else None
    return child.text.strip() if child is not None and child.text is not None else None


def _recorded_size(root: ElementTree.Element) -> tuple[int, int] | None:
    """``(width, height)`` of ``<size>``, or None when absent or zero (some tools write 0 when they do not know)."""
    try:
        width, height = (int(float(_text(root.find('size'), tag) or 0)) for tag in ('width', 'height'))
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None


def _read_object(obj: ElementTree.Element, where: str, problems: Problems) -> SourceBox | None:
    label = _text(obj, 'name')
    bndbox = obj.find('bndbox')
    if bndbox is None or not label:
        problems.add('no box shape', f'{where}: no <name> or <bndbox>')
        return None
    try:
        xmin, ymin, xmax, ymax = (float(_text(bndbox, tag)) for tag in ('xmin', 'ymin', 'xmax', 'ymax'))
    except (TypeError, ValueError):
        problems.error(f'{where}: <bndbox> needs numeric xmin, ymin, xmax and ymax')
        return None
    difficult = _text(obj, 'difficult') in ('1', 'true', 'True')
    return SourceBox(label, xmin - 1, ymin - 1, xmax, ymax, where, crowd=difficult)


def _read_file(path: Path, index: ImageIndex, problems: Problems) -> SourceImage | None:
    if not path.read_bytes().strip():
        problems.add('empty annotation', str(path))
        return None
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        problems.error(f'{path}: malformed XML ({error})')
        return None
    if root.tag != 'annotation':
        problems.error(f'{path}: root element <{root.tag}>, not the <annotation> of a Pascal VOC file')
        return None
    name = _text(root, 'filename') or path.stem
    image_path = index.resolve(name, path)
    if image_path is None and _text(root, 'path'):
        image_path = index.resolve(_text(root, 'path'), path)
    if image_path is None and '.' not in name:  # some exporters drop the suffix
        image_path = index.resolve(index.with_stem(name)[0].name, path) if index.with_stem(name) else None
    boxes = []
    for number, obj in enumerate(root.iter('object'), start=1):
        box = _read_object(obj, f'{path} object {number}', problems)
        if box is not None:
            boxes.append(box)
    return SourceImage(name=name, path=image_path, boxes=boxes, where=str(path), recorded_size=_recorded_size(root))


def _split_lists(source: Path) -> dict[str, str]:
    """Image stem -> split, from every ``ImageSets/Main/{train,val,test}.txt`` under ``source``."""
    splits = {}
    for main in sorted(source.rglob('ImageSets/Main')):
        for file_name, split in SPLIT_LISTS:
            list_file = main / file_name
            if list_file.is_file():
                for line in list_file.read_text(encoding='utf-8-sig').splitlines():
                    if line.split():
                        splits.setdefault(line.split()[0], split)
    return splits


def read_voc(source: Path, index: ImageIndex) -> SourceData:
    """Read every ``.xml`` under ``source``.

    Args:
        source: The folder holding the XML files and images (any layout).
        index: The image files under ``source``.

    Returns:
        The images with their boxes; each image's split comes from ``ImageSets/Main`` lists when there are any.
    """
    problems = Problems()
    images = []
    for path in index.annotation_files('.xml'):
        image = _read_file(path, index, problems)
        if image is not None:
            images.append(image)
    splits = _split_lists(source)
    if splits:
        for image in images:
            image.split = splits.get(Path(image.where).stem)
    return SourceData(images=images, classes=None, problems=problems, has_split=bool(splits))
