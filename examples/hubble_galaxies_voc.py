"""Write a small Pascal VOC dataset of real photographs: crops of the Hubble eXtreme Deep Field picture that
scikit-image ships (``skimage/data/hubble_deep_field.jpg``, 1000x872), every galaxy boxed and classed by colour.

The boxes are made by the program, not by a person: the picture is smoothed, thresholded (brightness above 40 of
255), and every connected bright region of at least 20 pixels is a galaxy (or a star), ``red`` when its mean red
is above 1.1 times its mean blue, else ``blue``. Crops of the left 700 columns are the training images (overlapping,
every 50 px), crops of the right 300 columns the validation images (not overlapping), so no val pixel is trained
on; ImageSets/Main/{train,val}.txt record that split. A box is kept in a crop when at least half of it is inside.

    pip install scikit-image   # only for the picture
    python examples/hubble_galaxies_voc.py --out data/hubble_voc
    python tools/prepare_dataset.py data/hubble_voc --format voc --out data/hubble --scale 192

With ``--strips`` it writes the training columns and the val columns as two whole images instead, for
``tools/prepare_dataset.py --tile`` and tiled evaluation on the whole val image.
"""

import argparse
import importlib.util
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

CROP = 100
TRAIN_COLUMNS = 700  # crops left of this column train, crops right of it validate
TRAIN_STEP, VAL_STEP = 50, 100
THRESHOLD, MIN_AREA, RED_RATIO = 40, 20, 1.1
MIN_VISIBLE = 0.5


def hubble_picture() -> Path:
    """The picture's file inside the installed scikit-image, found without importing it."""
    spec = importlib.util.find_spec('skimage')
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('error: this example needs the picture scikit-image ships: pip install scikit-image')
    return Path(spec.submodule_search_locations[0]) / 'data' / 'hubble_deep_field.jpg'


def galaxies(rgb: np.ndarray) -> list[tuple[str, int, int, int, int]]:
    """``(class, x0, y0, x1, y1)`` of every bright region, ``x1``/``y1`` exclusive."""
    grey = cv2.GaussianBlur(rgb.astype(np.float32).mean(axis=2), (0, 0), 1.0)
    count, labels, stats, _ = cv2.connectedComponentsWithStats((grey > THRESHOLD).astype(np.uint8), connectivity=8)
    boxes = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if area < MIN_AREA:
            continue
        red, _, blue = rgb[labels == label].astype(np.float32).mean(axis=0)
        boxes.append(('red' if red > RED_RATIO * blue else 'blue', int(x), int(y), int(x + w), int(y + h)))
    return boxes


def crop_boxes(boxes: list, left: int, top: int, size: tuple[int, int] = (CROP, CROP)) -> list[tuple]:
    """The boxes at least half inside the crop of ``size`` at ``(left, top)``, clipped to it, in its pixels."""
    kept = []
    for name, x0, y0, x1, y1 in boxes:
        cx0, cy0 = max(x0, left) - left, max(y0, top) - top
        cx1, cy1 = min(x1, left + size[0]) - left, min(y1, top + size[1]) - top
        if cx1 > cx0 and cy1 > cy0 and (cx1 - cx0) * (cy1 - cy0) >= MIN_VISIBLE * (x1 - x0) * (y1 - y0):
            kept.append((name, cx0, cy0, cx1, cy1))
    return kept


def voc_xml(file_name: str, boxes: list, size: tuple[int, int] = (CROP, CROP)) -> ElementTree.ElementTree:
    """A LabelImg-style annotation: 1-based inclusive corners."""
    root = ElementTree.Element('annotation')
    ElementTree.SubElement(root, 'filename').text = file_name
    size_element = ElementTree.SubElement(root, 'size')
    for tag, value in (('width', size[0]), ('height', size[1]), ('depth', 3)):
        ElementTree.SubElement(size_element, tag).text = str(value)
    for name, x0, y0, x1, y1 in boxes:
        obj = ElementTree.SubElement(root, 'object')
        ElementTree.SubElement(obj, 'name').text = name
        ElementTree.SubElement(obj, 'difficult').text = '0'
        box = ElementTree.SubElement(obj, 'bndbox')
        for tag, value in (('xmin', x0 + 1), ('ymin', y0 + 1), ('xmax', x1), ('ymax', y1)):
            ElementTree.SubElement(box, tag).text = str(value)
    ElementTree.indent(root, space='\t')
    return ElementTree.ElementTree(root)


def write_strips(rgb: np.ndarray, boxes: list, out: Path) -> None:
    """The picture as two large images, the training columns and the val columns, for prepare_dataset.py --tile."""
    height, width = rgb.shape[:2]
    for folder in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for split, left, right in (('train', 0, TRAIN_COLUMNS), ('val', TRAIN_COLUMNS, width)):
        stem, size = f'{split}_strip', (right - left, height)
        Image.fromarray(rgb[:, left:right]).save(out / 'JPEGImages' / f'{stem}.png')
        voc_xml(f'{stem}.png', crop_boxes(boxes, left, 0, size), size).write(out / 'Annotations' / f'{stem}.xml')
        (out / 'ImageSets' / 'Main' / f'{split}.txt').write_text(stem + '\n')
    print(f'wrote the {TRAIN_COLUMNS} training and {width - TRAIN_COLUMNS} val columns of {len(boxes)} galaxies '
          f'as two images to {out}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', type=Path, default=Path('data/hubble_voc'), help='folder to write')
    parser.add_argument('--strips', action='store_true',
                        help='write the training and val columns as two whole images instead of crops')
    args = parser.parse_args()
    rgb = np.asarray(Image.open(hubble_picture()).convert('RGB'))
    boxes = galaxies(rgb)
    if args.strips:
        write_strips(rgb, boxes, args.out)
        return
    height, width = rgb.shape[:2]
    lists = {'train': [], 'val': []}
    for split, columns, step in (('train', range(0, TRAIN_COLUMNS - CROP + 1, TRAIN_STEP), TRAIN_STEP),
                                 ('val', range(TRAIN_COLUMNS, width - CROP + 1, VAL_STEP), VAL_STEP)):
        for left in columns:
            for top in range(0, height - CROP + 1, step):
                stem = f'{split}_x{left:03d}_y{top:03d}'
                (args.out / 'JPEGImages').mkdir(parents=True, exist_ok=True)
                (args.out / 'Annotations').mkdir(parents=True, exist_ok=True)
                Image.fromarray(rgb[top:top + CROP, left:left + CROP]).save(args.out / 'JPEGImages' / f'{stem}.png')
                voc_xml(f'{stem}.png', crop_boxes(boxes, left, top)).write(args.out / 'Annotations' / f'{stem}.xml')
                lists[split].append(stem)
    (args.out / 'ImageSets' / 'Main').mkdir(parents=True, exist_ok=True)
    for split, stems in lists.items():
        (args.out / 'ImageSets' / 'Main' / f'{split}.txt').write_text('\n'.join(stems) + '\n')
    print(f'wrote {sum(map(len, lists.values()))} crops ({len(lists["train"])} train, {len(lists["val"])} val) of '
          f'{len(boxes)} galaxies to {args.out}')


if __name__ == '__main__':
    main()
