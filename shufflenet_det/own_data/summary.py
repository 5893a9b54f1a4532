"""What a prepared dataset holds: images and boxes per split and class, box sizes at the training input scale
(COCO's small, medium and large), and every skipped or fixed item."""

import math
from collections import Counter

from ..core.markdown import markdown_table
from ..deploy.preprocess import InputScale
from .records import PROBLEM_KINDS, SHOWN_PER_KIND, ConvertedImage, Problems

#: COCO's box-size bins: area below 32^2 pixels is small, below 96^2 medium, the rest large.
SMALL_AREA, MEDIUM_AREA = 32 ** 2, 96 ** 2


def resize_factor(size: tuple[int, int], scale: InputScale) -> float:
    """The factor MMDetection's keep-ratio ``Resize`` applies to an image of ``(width, height)`` at ``scale``."""
    width, height = size
    return scale.resized_size(height, width)[1] / width


def size_bin(area: float) -> str:
    """``'small'``, ``'medium'`` or ``'large'``, COCO's bin of a box of ``area`` pixels."""
    return 'small' if area < SMALL_AREA else 'medium' if area < MEDIUM_AREA else 'large'


def split_summary(images: list[ConvertedImage], classes: list[str], scale: InputScale) -> dict:
    """Counts of one split: images, images without boxes, boxes per class, crowd boxes, size bins at ``scale``, and
    the 1st and 99th percentile of the boxes' side (``sqrt(area)``) at ``scale``."""
    per_class, sizes, crowd, sides = Counter(), Counter(), 0, []
    for image in images:
        factor = resize_factor(image.size, scale)
        for label, (_, _, width, height), is_crowd in image.boxes:
            if is_crowd:
                crowd += 1
                continue
            per_class[label] += 1
            sizes[size_bin(width * height * factor ** 2)] += 1
            sides.append(math.sqrt(width * height) * factor)
    sides.sort()
    return dict(images=len(images), images_without_boxes=sum(1 for image in images if not image.boxes),
                boxes=sum(per_class.values()), crowd_boxes=crowd,
                boxes_per_class={name: per_class[name] for name in classes},
                boxes_by_size={name: sizes[name] for name in ('small', 'medium', 'large')},
                box_side_percentiles=[round(sides[min(len(sides) - 1, int(len(sides) * share))], 1) if sides else 0.0
                                      for share in (0.01, 0.99)])


def dataset_summary(per_split: dict[str, list[ConvertedImage]], classes: list[str], scale: InputScale,
                    problems: Problems) -> dict:
    """The summary.json entries: classes, the input scale, each non-empty split's counts, all problems listed."""
    return dict(classes=classes, input_scale=dict(scale=scale.scale, max_size=scale.max_size),
                splits={name: split_summary(images, classes, scale) for name, images in per_split.items() if images},
                problems={kind: dict(description=PROBLEM_KINDS[kind], count=len(entries), entries=entries)
                          for kind, entries in problems.listed.items()})


def format_summary(summary: dict) -> str:
    """The summary as text: a table of boxes per class and size per split, then each skip and fix, a few shown."""
    splits = summary['splits']
    rows = [['images'] + [splits[name]['images'] for name in splits],
            ['  without boxes'] + [splits[name]['images_without_boxes'] for name in splits]]
    rows += [[f'boxes: {label}'] + [splits[name]['boxes_per_class'][label] for name in splits]
             for label in summary['classes']]
    scale = summary['input_scale']
    rows += [[f'{bin_name} at scale {scale["scale"]}'] + [splits[name]['boxes_by_size'][bin_name] for name in splits]
             for bin_name in ('small', 'medium', 'large')]
    if any(splits[name]['crowd_boxes'] for name in splits):
        rows.append(['crowd boxes (ignored)'] + [splits[name]['crowd_boxes'] for name in splits])
    lines = [markdown_table([''] + list(splits), rows)]
    for problem in summary['problems'].values():
        lines.append(f'{problem["description"]}: {problem["count"]}')
        lines += [f'    {entry}' for entry in problem['entries'][:SHOWN_PER_KIND]]
        if problem['count'] > SHOWN_PER_KIND:
            lines.append(f'    ... {problem["count"] - SHOWN_PER_KIND} more in summary.json')
    return '\n'.join(lines)
