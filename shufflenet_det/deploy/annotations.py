"""COCO annotation files checked by one set of rules for training, ``tools/test.py`` and ``tools/test_onnx.py``.

Class identity is by name: each class is the file's category of the same name, wherever it stands in the file's
``categories`` list. Ids must be unique. Annotations nothing can be learned from or matched with (empty or
negative-size boxes, boxes under 1 px or outside their image, unknown category or image ids, categories that
are not among the classes) are skipped and counted in one message, by training and by both evaluators alike.
A file with no usable annotation left (all crowd regions, for example) is an error; images without a file or of
another size than recorded are skipped and counted in training and an error in evaluation. Needs the standard
library and :mod:`.images` only.
"""

import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import DatasetError
from .images import image_size

# Keys every entry needs: pycocotools indexes by the ids, MMDetection reads bbox and area, COCOeval iscrowd.
REQUIRED_KEYS = {
    'images': ('id', 'file_name', 'width', 'height'),
    'annotations': ('id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd'),
    'categories': ('id', 'name'),
}
#: How the sizes of image files are compared with their records.
SIZE_NOTE = 'width x height, after the EXIF orientation that MMDetection and this project apply'
# Why an annotation is skipped, as counting key: (singular, plural) description.
SKIP_REASONS = {
    'empty': ('empty box (zero or negative width, height or area)',
              'empty boxes (zero or negative width, height or area)'),
    'under 1 px': ('box under 1 px wide or high', 'boxes under 1 px wide or high'),
    'outside': ('box outside its image', 'boxes outside their image'),
    'category id': ('with unknown category id', 'with unknown category ids'),
    'other class': ('of a category not among the classes', 'of categories not among the classes'),
    'image id': ('for an image id not in images', 'for image ids not in images'),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _plural(count: int, singular: str, plural: str) -> str:
    return f'{count} {singular if count == 1 else plural}'


def _shown(items: list, limit: int = 5) -> str:
    return ', '.join(map(str, items[:limit])) + (f', ... ({len(items)} in all)' if len(items) > limit else '')


def _entry_problem(entry: Any, section: str) -> str | None:
    """What is structurally wrong with one entry of ``section``, or None if nothing is."""
    if not isinstance(entry, dict):
        return 'is not a JSON object'
    missing = [key for key in REQUIRED_KEYS[section] if key not in entry]
    if missing:
        return f'lacks {", ".join(missing)}'
    if section == 'annotations':
        bbox = entry['bbox']
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_is_number(v) for v in bbox)):
            return 'has a bbox that is not 4 finite numbers [x, y, width, height]'
        if not _is_number(entry['area']):
            return 'has an area that is not a finite number'
    if section == 'images' and not all(_is_number(entry[key]) for key in ('width', 'height')):
        return 'has a width or height that is not a number'
    return None


def parse_coco(raw: bytes, ann_file: str) -> dict:
    """Parse a COCO detection annotation file and check its structure and ids.

    Args:
        raw: The file's bytes.
        ann_file: Its path, for the messages.

    Returns:
        The parsed json.

    Raises:
        DatasetError: If the file is not UTF-8 JSON, lacks one of the ``images``, ``annotations`` and
            ``categories`` lists, has an entry without the keys COCO tools need or with a malformed bbox, or
            repeats an image, annotation or category id or a category name; the message names the entries.
    """
    try:
        dataset = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DatasetError(f'{ann_file} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno} '
                           f'(character {err.pos}); repair or re-create the file') from err
    except UnicodeDecodeError as err:
        raise DatasetError(f'{ann_file} is not UTF-8 text ({err}); it must be a COCO json file') from err
    if not isinstance(dataset, dict):
        raise DatasetError(f'{ann_file} holds a JSON {type(dataset).__name__}, not the object of a COCO file '
                           f'with {", ".join(REQUIRED_KEYS)} lists')
    missing = [section for section in REQUIRED_KEYS if not isinstance(dataset.get(section), list)]
    if missing:
        raise DatasetError(f'{ann_file} is not a COCO detection file: it has no {" or ".join(missing)} list '
                           f'(it needs {", ".join(REQUIRED_KEYS)})')
    for section in REQUIRED_KEYS:
        for index, entry in enumerate(dataset[section]):
            problem = _entry_problem(entry, section)
            if problem is not None:
                shown = json.dumps(entry)
                shown = shown if len(shown) <= 200 else shown[:200] + '...'
                raise DatasetError(f'{ann_file}: {section}[{index}] {problem} (COCO needs '
                                   f'{", ".join(REQUIRED_KEYS[section])}): {shown}')
    _check_unique(dataset, ann_file)
    return dataset


def _check_unique(dataset: dict, ann_file: str) -> None:
    """Raise on a repeated id (pycocotools would keep one entry silently) or category name."""
    for section, key, what in (('images', 'id', 'image id'), ('annotations', 'id', 'annotation id'),
                               ('categories', 'id', 'category id'), ('categories', 'name', 'category name')):
        first: dict = {}
        for index, entry in enumerate(dataset[section]):
            value = entry[key]
            if value in first:
                described = (f'{section}[{first[value]}] and {section}[{index}]' + (
                    f' ({dataset[section][first[value]]["file_name"]} and {entry["file_name"]})'
                    if section == 'images' else ''))
                raise DatasetError(f'{ann_file}: {what} {value!r} appears twice, in {described}; {what}s must be '
                                   'unique (pycocotools would keep one of them and drop the other silently): '
                                   'give one of them a new one' + (
                                       ' and point its annotations at it' if section == 'images' else ''))
            first[value] = index


def read_coco_file(path: str | Path) -> dict:
    """Read and check a local COCO annotation file (see :func:`parse_coco`).

    Raises:
        DatasetError: If the file is missing or not a well-formed COCO detection file.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f'annotation file {path} not found')
    return parse_coco(path.read_bytes(), str(path))


def category_ids_of(classes: tuple[str, ...] | list[str], categories: list[dict], ann_file: str,
                    fix: str) -> list[int]:
    """The file's category id of each class, matched by name (the order of ``categories`` does not matter).

    Args:
        classes: Class names; label ``i`` is ``classes[i]``.
        categories: The file's ``categories`` list.
        ann_file: The file, for the message.
        fix: What the user should do when a class is missing, ending the message.

    Raises:
        DatasetError: If a class has no category of its name; the message lists the classes and the categories.
    """
    ids = {category['name']: category['id'] for category in categories}
    missing = [name for name in classes if name not in ids]
    if missing:
        raise DatasetError(f'{ann_file} has no {"category" if len(missing) == 1 else "categories"} named '
                           f'{", ".join(map(repr, missing))}: classes are matched to categories by name, and the '
                           f'classes are {", ".join(map(repr, classes))} while the file\'s categories are '
                           f'{", ".join(repr(category["name"]) for category in categories)}; {fix}')
    return [ids[name] for name in classes]


@dataclass(frozen=True)
class GroundTruth:
    """A checked annotation file, as training and both evaluators use it.

    Attributes:
        dataset: The COCO json with the usable annotations only; its ``categories`` are the classes' categories
            in class order (so that pycocotools and MMDetection number the labels by class, not by file order).
        category_ids: The category id of each label.
        skipped: One line counting what was skipped, or None when nothing was.
    """

    dataset: dict
    category_ids: list[int]
    skipped: str | None


def _annotation_problem(ann: dict, images: dict[Any, dict], category_ids: set, class_ids: set) -> str | None:
    """Why an annotation cannot be trained on or matched, as a counting key, or None if it can."""
    if ann['image_id'] not in images:
        return 'image id'
    if ann['category_id'] not in category_ids:
        return 'category id'
    if ann['category_id'] not in class_ids:
        return 'other class'
    x, y, w, h = ann['bbox']
    if w <= 0 or h <= 0 or ann['area'] <= 0:
        return 'empty'
    if w < 1 or h < 1:
        return 'under 1 px'
    image = images[ann['image_id']]
    if min(x + w, image['width']) <= max(x, 0) or min(y + h, image['height']) <= max(y, 0):
        return 'outside'
    return None


def _describe(problems: Counter, unknown_categories: set, other_classes: set) -> str:
    """``problems`` counted per kind in words, e.g. ``2 empty boxes (...), 1 with unknown category id 99``."""
    details = []
    for key, (singular, plural) in SKIP_REASONS.items():
        if problems[key]:
            details.append(_plural(problems[key], singular, plural))
            if key == 'category id':
                details[-1] += ' ' + ', '.join(sorted(map(str, unknown_categories)))
            if key == 'other class':
                details[-1] += ' (' + ', '.join(sorted(other_classes)) + ')'
    return ', '.join(details)


def usable_ground_truth(dataset: dict, classes: tuple[str, ...] | list[str], ann_file: str, use: str,
                        fix: str, skipped_images: tuple[str, ...] = ()) -> GroundTruth:
    """Map the classes to the file's categories by name and keep the annotations that can be used.

    Args:
        dataset: A COCO json checked by :func:`parse_coco`.
        classes: Class names; label ``i`` is ``classes[i]``.
        ann_file: Where ``dataset`` came from, for the messages.
        use: What an empty result would mean, e.g. ``'there is nothing to train on'``.
        fix: What to do when a class has no category of its name (see :func:`category_ids_of`).
        skipped_images: Notes on images already removed from ``dataset``, added to the skip message.

    Returns:
        The usable ground truth and one message counting what was skipped.

    Raises:
        DatasetError: If a class has no category of its name, or no usable annotation that is not a crowd
            region is left.
    """
    category_ids = category_ids_of(classes, dataset['categories'], ann_file, fix)
    images = {image['id']: image for image in dataset['images']}
    known = {category['id'] for category in dataset['categories']}
    names = {category['id']: category['name'] for category in dataset['categories']}
    kept, problems, unknown, others = [], Counter(), set(), set()
    for ann in dataset['annotations']:
        problem = _annotation_problem(ann, images, known, set(category_ids))
        if problem is None:
            kept.append(ann)
            continue
        problems[problem] += 1
        if problem == 'category id':
            unknown.add(ann['category_id'])
        elif problem == 'other class':
            others.add(names[ann['category_id']])
    notes = [f'skipped {_plural(problems.total(), "annotation", "annotations")} '
             f'({_describe(problems, unknown, others)})'] if problems else []
    notes += skipped_images
    skipped = f'{ann_file}: {"; ".join(notes)}' if notes else None
    by_id = {category['id']: category for category in dataset['categories']}
    cleaned = dict(dataset, annotations=kept, categories=[by_id[category_id] for category_id in category_ids])
    if not any(not ann['iscrowd'] for ann in kept):
        raise DatasetError(_nothing_usable_message(ann_file, kept, skipped, use))
    return GroundTruth(cleaned, category_ids, skipped)


def _nothing_usable_message(ann_file: str, kept: list[dict], skipped: str | None, use: str) -> str:
    if kept:
        return (f'{ann_file} has only crowd regions: all {len(kept)} usable annotations are "iscrowd": 1, which '
                f'training ignores and COCO evaluation does not score, so {use}; mark the objects "iscrowd": 0')
    why = f' after skipping unusable ones ({skipped.split(": ", 1)[1]})' if skipped else ''
    return (f'{ann_file} has no annotations{why}, so {use}; point ann_file at the annotation file with the boxes '
            '(for the built-in dataset run `python tools/make_dataset.py`)')


def images_without_file(images: list[dict], img_dir: str | Path) -> list[dict]:
    """The images whose file is not in ``img_dir``, found with one listing per folder rather than per file."""
    listings: dict[str, set[str]] = {}
    missing = []
    for image in images:
        folder, name = os.path.split(image['file_name'])
        if folder not in listings:
            path = os.path.join(img_dir, folder)
            listings[folder] = set(os.listdir(path)) if os.path.isdir(path) else set()
        if name not in listings[folder]:
            missing.append(image)
    return missing


def missing_images_error(missing: list[dict], dataset: dict, ann_file: str, img_dir: str | Path,
                         fix: str) -> DatasetError:
    """The evaluation error for images without a file: their boxes would count as misses."""
    ids = {image['id'] for image in missing}
    boxes = sum(ann['image_id'] in ids for ann in dataset['annotations'])
    return DatasetError(f'{_plural(len(missing), "image", "images")} of {ann_file} '
                        f'{"has" if len(missing) == 1 else "have"} no file in {img_dir} '
                        f'({_shown([image["file_name"] for image in missing])}); evaluating without '
                        f'{"it" if len(missing) == 1 else "them"} would count '
                        f'{_plural(boxes, "box", "boxes")} as missed: {fix}')


def images_of_another_size(images: list[dict], img_dir: str | Path, ann_file: str,
                           strict: bool) -> list[tuple[dict, str]]:
    """The images whose file has another width or height than its record, after EXIF orientation.

    Args:
        images: The file's ``images`` records whose files exist.
        img_dir: Their folder.
        ann_file: The annotation file, for the message.
        strict: Raise on an image that cannot be read (evaluation); otherwise leave it to the image loader,
            which skips it while training.

    Returns:
        Each such record with a description such as ``3.png is 150x90, recorded 90x150``.

    Raises:
        DatasetError: In ``strict`` mode, naming the first image that cannot be read.
    """
    wrong = []
    for image in images:
        path = Path(img_dir) / image['file_name']
        try:
            height, width = image_size(path)
        except ValueError as error:
            if strict:
                raise DatasetError(f'{error}; replace the file or remove it from {ann_file}') from None
            continue
        if (height, width) != (image['height'], image['width']):
            wrong.append((image, f'{image["file_name"]} is {width}x{height}, recorded {image["width"]}x'
                                 f'{image["height"]}'))
    return wrong


def other_size_error(wrong: list[tuple[dict, str]], ann_file: str) -> DatasetError:
    """The evaluation error for images of another size than recorded: their boxes would be in another frame."""
    return DatasetError(f'{_plural(len(wrong), "image", "images")} of {ann_file} '
                        f'{"differs" if len(wrong) == 1 else "differ"} in size from the record '
                        f'({_shown([text for _, text in wrong], 3)}; {SIZE_NOTE}): the boxes would be compared in '
                        'another frame; fix width and height in the annotation file, or re-create it from these images')


def drop_images(dataset: dict, images: list[dict], why: str, shown: list[str]) -> tuple[dict, str]:
    """``dataset`` without ``images`` (skipped in training) and their annotations.

    Args:
        dataset: A COCO json checked by :func:`parse_coco`.
        images: The records to drop.
        why: Why, after "skipped N images", e.g. ``'without a file in data/train/'``.
        shown: What the message shows of them (file names, sizes).

    Returns:
        The dataset, and a note counting the images for the skip message.
    """
    ids = {image['id'] for image in images}
    kept = dict(dataset, images=[image for image in dataset['images'] if image['id'] not in ids],
                annotations=[ann for ann in dataset['annotations'] if ann['image_id'] not in ids])
    return kept, f'skipped {_plural(len(images), "image", "images")} {why} ({_shown(shown, 3)})'
