"""Generate the built-in ``shapes`` detection dataset: coloured shapes on cluttered backgrounds, COCO format.

Each image shows 1-8 shapes of 5 classes, 8 px up to 70% of the shorter image side, some partly overlapping,
on a colour gradient with noise, random lines and small distractor blobs that are not objects. Everything is
drawn from a seeded random generator, so the same parameters always give byte-identical files.

Layout under the root (default ``data/shapes``)::

    train/000001.jpg ...                 val/000001.jpg ...
    annotations/instances_train.json     annotations/instances_val.json
    meta.json                            (the parameters; generation is skipped when they match)
"""

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ('circle', 'square', 'triangle', 'cross', 'ring')
DEFAULT_ROOT = Path('data/shapes')
DEFAULT_NUM_TRAIN = 800
DEFAULT_NUM_VAL = 200
DEFAULT_SIDE_RANGE = (192, 256)
SPLITS = ('train', 'val')
GENERATOR_VERSION = 2  # bump whenever the drawing changes, so existing datasets are regenerated
JPEG_QUALITY = 90
MIN_OBJECT_SIZE = 8
MAX_OBJECT_FRACTION = 0.7
MAX_OBJECTS = 8
MAX_OVERLAP = 0.4  # largest share of either box that two objects' boxes may have in common
MIN_COLOUR_CONTRAST = 150  # smallest L1 distance between a shape's colour and the background under it

Point = tuple[float, float]
Fill = int | tuple[int, int, int]  # 255 on the single-channel masks, an RGB colour on the images
ShapeDrawer = Callable[[ImageDraw.ImageDraw, Point, float, float, Fill], None]


@dataclass(frozen=True)
class ShapesDataset:
    """Where a generated dataset lies, and whether this call wrote it."""

    root: Path
    generated: bool  # False when an existing dataset with the same parameters was kept

    def ann_file(self, split: str) -> Path:
        """The COCO annotation file of ``split`` (``'train'`` or ``'val'``)."""
        return self.root / 'annotations' / f'instances_{split}.json'

    def img_dir(self, split: str) -> Path:
        """The folder holding the images of ``split``."""
        return self.root / split


def _polygon(center: Point, radius: float, angles: list[float]) -> list[Point]:
    cx, cy = center
    return [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles]


def _draw_circle(draw: ImageDraw.ImageDraw, center: Point, size: float, angle: float, fill: Fill) -> None:
    cx, cy = center
    draw.ellipse((cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2), fill=fill)


def _draw_ring(draw: ImageDraw.ImageDraw, center: Point, size: float, angle: float, fill: Fill) -> None:
    cx, cy = center
    width = max(2, round(size / 6))
    draw.ellipse((cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2), outline=fill, width=width)


def _draw_square(draw: ImageDraw.ImageDraw, center: Point, size: float, angle: float, fill: Fill) -> None:
    corners = [angle + math.pi / 4 + k * math.pi / 2 for k in range(4)]
    draw.polygon(_polygon(center, size / 2, corners), fill=fill)


def _draw_triangle(draw: ImageDraw.ImageDraw, center: Point, size: float, angle: float, fill: Fill) -> None:
    draw.polygon(_polygon(center, size / 2, [angle + k * 2 * math.pi / 3 for k in range(3)]), fill=fill)


def _draw_cross(draw: ImageDraw.ImageDraw, center: Point, size: float, angle: float, fill: Fill) -> None:
    arm, half = size / 6, size / 2  # a plus sign of two bars size long and size / 3 thick
    outline = [(half, arm), (arm, arm), (arm, half), (-arm, half), (-arm, arm), (-half, arm),
               (-half, -arm), (-arm, -arm), (-arm, -half), (arm, -half), (arm, -arm), (half, -arm)]
    cos, sin, (cx, cy) = math.cos(angle), math.sin(angle), center
    draw.polygon([(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in outline], fill=fill)


_DRAWERS: dict[str, ShapeDrawer] = {
    'circle': _draw_circle, 'square': _draw_square, 'triangle': _draw_triangle, 'cross': _draw_cross,
    'ring': _draw_ring,
}


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A linear gradient between two random colours in a random direction, as float RGB."""
    start, end = rng.uniform(0, 255, size=(2, 3))
    direction = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:height, 0:width]
    t = xs * math.cos(direction) + ys * math.sin(direction)
    t = (t - t.min()) / max(t.max() - t.min(), 1)
    return start + t[..., None] * (end - start)


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(c) for c in rng.integers(0, 256, size=3))


def _add_clutter(rng: np.random.Generator, draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    """Random lines, and blobs smaller than the smallest object, that a detector must learn to ignore."""
    for _ in range(rng.integers(2, 7)):
        points = rng.uniform(0, 1, size=(2, 2)) * (width, height)
        draw.line([tuple(p) for p in points], fill=_random_colour(rng), width=int(rng.integers(1, 3)))
    for _ in range(rng.integers(3, 12)):
        size = rng.uniform(2, MIN_OBJECT_SIZE / 2)
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        box = (x, y, x + size * rng.uniform(0.5, 1.5), y + size)
        if rng.random() < 0.5:
            draw.ellipse(box, fill=_random_colour(rng))
        else:
            draw.rectangle(box, fill=_random_colour(rng))


def _overlap_too_large(box: tuple[int, int, int, int], others: list[tuple[int, int, int, int]]) -> bool:
    x0, y0, x1, y1 = box
    for ox0, oy0, ox1, oy1 in others:
        inter = max(0, min(x1, ox1) - max(x0, ox0)) * max(0, min(y1, oy1) - max(y0, oy0))
        if inter > MAX_OVERLAP * min((x1 - x0) * (y1 - y0), (ox1 - ox0) * (oy1 - oy0)):
            return True
    return False


def _contrasting_colour(rng: np.random.Generator, under: np.ndarray) -> tuple[int, int, int]:
    """A random colour far enough from the background colour ``under`` to be visible."""
    while True:
        colour = _random_colour(rng)
        if np.abs(np.array(colour) - under).sum() >= MIN_COLOUR_CONTRAST:
            return colour


def render_image(rng: np.random.Generator, width: int, height: int) -> tuple[Image.Image, list[dict]]:
    """Draw one image and return it with its objects.

    Args:
        rng: The random generator that decides everything drawn.
        width: Image width in pixels.
        height: Image height in pixels.

    Returns:
        The RGB image and one dict per object with ``category`` (a name from ``CLASSES``), ``bbox`` (tight
        ``[x, y, w, h]`` in pixels) and ``area`` (pixels the shape covers).
    """
    background = _background(rng, width, height)
    image = Image.fromarray(background.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    _add_clutter(rng, draw, width, height)

    max_size = MAX_OBJECT_FRACTION * min(width, height)
    objects, boxes = [], []
    for _ in range(rng.integers(1, MAX_OBJECTS + 1)):
        for _attempt in range(20):
            # Uniform sizes: about a quarter small (< 32 px), half medium and a quarter large (> 96 px) on the
            # default 192-256 px images, close to COCO's mix of small, medium and large objects.
            size = rng.uniform(MIN_OBJECT_SIZE, max_size)
            center = (rng.uniform(size / 2, width - size / 2), rng.uniform(size / 2, height - size / 2))
            category = CLASSES[rng.integers(len(CLASSES))]
            angle = rng.uniform(0, 2 * math.pi)
            mask = Image.new('L', (width, height))
            _DRAWERS[category](ImageDraw.Draw(mask), center, size, angle, 255)
            box = mask.getbbox()
            if box is not None and not _overlap_too_large(box, boxes):
                break
        else:
            continue
        colour = _contrasting_colour(rng, background[int(center[1]), int(center[0])])
        _DRAWERS[category](draw, center, size, angle, colour)
        boxes.append(box)
        x0, y0, x1, y1 = box
        area = int(np.count_nonzero(np.asarray(mask)))
        objects.append(dict(category=category, bbox=[float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                            area=float(area)))

    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, rng.uniform(3, 12), size=(height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)), objects


def _random_size(rng: np.random.Generator, side_range: tuple[int, int]) -> tuple[int, int]:
    """Width and height drawn independently from ``side_range`` (inclusive)."""
    width, height = (int(side) for side in rng.integers(side_range[0], side_range[1] + 1, size=2))
    return width, height


def write_split(dataset: ShapesDataset, split: str, num_images: int, seed: int,
                image_size: Callable[[np.random.Generator], tuple[int, int]], category_names: Sequence[str],
                supercategory: str | None = None) -> None:
    """Draw ``num_images`` images of ``split`` into its folder and write their COCO annotation file.

    Args:
        dataset: Where the split's images and annotation file go.
        split: ``'train'`` or ``'val'``.
        num_images: Number of images.
        seed: Seed of the drawing; image ``i`` of a split always comes from the same random stream.
        image_size: Gives an image's (width, height) from its random stream, before the image is drawn.
        category_names: The annotation file's categories; the shapes of :data:`CLASSES` take the first ids.
        supercategory: The categories' ``supercategory``, if any.
    """
    img_dir = dataset.img_dir(split)
    img_dir.mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for index in range(1, num_images + 1):
        rng = np.random.default_rng([seed, SPLITS.index(split), index])
        width, height = image_size(rng)
        image, objects = render_image(rng, width, height)
        file_name = f'{index:06d}.jpg'
        image.save(img_dir / file_name, quality=JPEG_QUALITY)
        images.append(dict(id=index, file_name=file_name, width=width, height=height))
        for obj in objects:
            annotations.append(dict(id=len(annotations) + 1, image_id=index,
                                    category_id=CLASSES.index(obj['category']) + 1, bbox=obj['bbox'],
                                    area=obj['area'], iscrowd=0))
    categories = [dict(id=i, name=name, **({'supercategory': supercategory} if supercategory else {}))
                  for i, name in enumerate(category_names, start=1)]
    coco = dict(images=images, annotations=annotations, categories=categories)
    ann_file = dataset.ann_file(split)
    ann_file.parent.mkdir(parents=True, exist_ok=True)
    ann_file.write_text(json.dumps(coco, separators=(',', ':')) + '\n')
    print(f'{split}: {num_images} images with {len(annotations)} objects in {img_dir}, '
          f'annotations in {ann_file}')


def generate_dataset(root: str | Path = DEFAULT_ROOT, num_train: int = DEFAULT_NUM_TRAIN,
                     num_val: int = DEFAULT_NUM_VAL, seed: int = 0,
                     side_range: tuple[int, int] = DEFAULT_SIDE_RANGE) -> ShapesDataset:
    """Write the shapes dataset under ``root``, unless one with the same parameters is already there.

    Args:
        root: Folder to write into; created if missing.
        num_train: Number of training images.
        num_val: Number of validation images.
        seed: Seed of the random generator; the same parameters give byte-identical files.
        side_range: Smallest and largest image side in pixels; width and height are drawn independently.

    Returns:
        The dataset's paths, and whether this call wrote the files.

    Raises:
        ValueError: If a count is negative or ``side_range`` allows images too small for the smallest objects.
    """
    if num_train < 0 or num_val < 0:
        raise ValueError(f'image counts must be >= 0, got num_train={num_train}, num_val={num_val}')
    smallest = math.ceil(MIN_OBJECT_SIZE / MAX_OBJECT_FRACTION)  # side whose largest objects are the smallest
    if not smallest <= side_range[0] <= side_range[1]:
        raise ValueError(f'side_range must be (low, high) with {smallest} <= low <= high, got {side_range}')
    root = Path(root)
    dataset = ShapesDataset(root, generated=True)
    meta = dict(generator_version=GENERATOR_VERSION, num_train=num_train, num_val=num_val, seed=seed,
                side_range=list(side_range), object_size=[MIN_OBJECT_SIZE, MAX_OBJECT_FRACTION],
                max_objects=MAX_OBJECTS)
    meta_file = root / 'meta.json'
    if (meta_file.is_file() and json.loads(meta_file.read_text()) == meta
            and all(dataset.ann_file(split).is_file() for split in SPLITS)):
        print(f'{root}: shapes dataset with these parameters already exists, keeping it')
        return ShapesDataset(root, generated=False)

    meta_file.unlink(missing_ok=True)  # written last, so an interrupted run is never taken for a complete one
    for split, num_images in zip(SPLITS, (num_train, num_val), strict=True):
        write_split(dataset, split, num_images, seed, partial(_random_size, side_range=side_range), CLASSES,
                    supercategory='shape')
    meta_file.write_text(json.dumps(meta, indent=2) + '\n')
    return dataset
