"""Tiny images and annotation files written the way the annotation tools write them (LabelImg, CVAT, Ultralytics,
Roboflow, keras-retinanet, LabelMe, Label Studio), for the own-data tests."""

import base64
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from shufflenet_det.deploy.preprocess import InputScale
from shufflenet_det.own_data.convert import SplitChoice, convert_dataset
from shufflenet_det.own_data.readers import read_source, source_root

SCALE = InputScale(64, 96)


def write_image(path: Path, size: tuple[int, int] = (64, 48), mode: str = 'RGB', seed: int = 0,
                exif_orientation: int | None = None) -> Path:
    """A random-noise image of ``size`` (width, height) in Pillow ``mode``, as JPEG or PNG by its suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).convert(mode)
    exif = None
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
    image.save(path, **({'exif': exif} if exif is not None else {}))
    return path


def labelimg_xml(image: Path, boxes: list[tuple], size: tuple[int, int] = (64, 48), filename: str | None = None,
                 path_text: str | None = None) -> str:
    """A Pascal VOC file as LabelImg writes it: tabs, the annotator's absolute path, whole-number 1-based corners.

    ``boxes`` holds ``(label, xmin, ymin, xmax, ymax)`` or ``(label, xmin, ymin, xmax, ymax, difficult)``.
    """
    objects = ''.join(
        f'\t<object>\n\t\t<name>{box[0]}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n'
        f'\t\t<difficult>{box[5] if len(box) > 5 else 0}</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>{box[1]}</xmin>\n'
        f'\t\t\t<ymin>{box[2]}</ymin>\n\t\t\t<xmax>{box[3]}</xmax>\n\t\t\t<ymax>{box[4]}</ymax>\n\t\t</bndbox>\n'
        '\t</object>\n' for box in boxes)
    return (f'<annotation verified="yes">\n\t<folder>{image.parent.name}</folder>\n'
            f'\t<filename>{filename or image.name}</filename>\n'
            f'\t<path>{path_text or "C:/Users/annotator/Pictures/" + image.name}</path>\n'
            '\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n'
            f'\t<size>\n\t\t<width>{size[0]}</width>\n\t\t<height>{size[1]}</height>\n\t\t<depth>3</depth>\n'
            f'\t</size>\n\t<segmented>0</segmented>\n{objects}</annotation>\n')


def labelme_json(image_path: str, shapes: list[dict], size: tuple[int, int] = (64, 48),
                 image_data: bytes | None = None) -> str:
    """A LabelMe 5 file: ``imagePath`` as written (often with backslashes), optional embedded image."""
    return json.dumps({
        'version': '5.4.1', 'flags': {},
        'shapes': [dict(label=shape['label'], points=shape['points'], group_id=None, description='',
                        shape_type=shape.get('shape_type', 'rectangle'), flags={}, mask=None) for shape in shapes],
        'imagePath': image_path,
        'imageData': base64.b64encode(image_data).decode() if image_data is not None else None,
        'imageHeight': size[1], 'imageWidth': size[0]}, indent=2)


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    """An encoded JPEG of ``size``."""
    buffer = io.BytesIO()
    Image.new('RGB', size, (200, 30, 30)).save(buffer, format='JPEG')
    return buffer.getvalue()


def prepare(source: Path, annotation_format: str, out: Path, split: SplitChoice | None = None,
            classes: list[str] | None = None) -> tuple[dict, dict[str, dict]]:
    """Read and convert ``source``; the summary and each written split's COCO json."""
    data = read_source(source, annotation_format, out)
    summary = convert_dataset(data, source_root(source), out, SCALE, split or SplitChoice(), classes)
    return summary, {name: json.loads((out / 'annotations' / f'{name}.json').read_text())
                     for name in summary['splits']}


def all_boxes(splits: dict[str, dict]) -> dict[str, list[tuple[str, list[float]]]]:
    """File name -> [(class name, [x, y, w, h])] over every split."""
    boxes = {}
    for coco in splits.values():
        names = {category['id']: category['name'] for category in coco['categories']}
        files = {image['id']: image['file_name'] for image in coco['images']}
        for image in coco['images']:
            boxes.setdefault(image['file_name'], [])
        for ann in coco['annotations']:
            boxes[files[ann['image_id']]].append((names[ann['category_id']], ann['bbox']))
    return boxes
