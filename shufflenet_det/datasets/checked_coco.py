"""COCO-format dataset and image loader that fail with clear messages on bad input.

``CheckedCocoDataset`` reads and checks the annotation json once before MMDetection indexes it: a missing file
or folder and malformed json raise errors that say what is wrong and how to fix it, while unusable annotations
and images without a file are skipped with one warning per dataset that counts each kind.
``LoadImageFromFileChecked`` turns an unreadable image into a warning and ``None``, so that training draws
another sample; in test mode ``CheckedCocoDataset`` raises an error naming the file instead.
"""

import json
import logging
import math
import os
from collections import Counter
from pathlib import PurePath
from typing import Any

from mmcv.transforms import LoadImageFromFile
from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmdet.registry import DATASETS, TRANSFORMS
from mmengine.fileio import get_local_path
from mmengine.logging import print_log

from ..core.errors import DatasetError

# Keys every entry needs: pycocotools indexes by the ids, MMDetection reads bbox and area, COCOeval iscrowd.
REQUIRED_KEYS = {
    'images': ('id', 'file_name', 'width', 'height'),
    'annotations': ('id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd'),
    'categories': ('id', 'name'),
}
# Why an annotation is skipped, as counting key: (singular, plural) description.
SKIP_REASONS = {
    'zero-area': ('zero-area box', 'zero-area boxes'),
    'under 1 px': ('box under 1 px wide or high', 'boxes under 1 px wide or high'),
    'outside': ('box outside its image', 'boxes outside their image'),
    'category id': ('with unknown category id', 'with unknown category ids'),
    'image id': ('for an image id not in images', 'for image ids not in images'),
}
COCO_DOWNLOAD_HINT = (
    'Download COCO 2017 (train2017.zip, val2017.zip and annotations_trainval2017.zip) from '
    'https://cocodataset.org/#download and unpack them so that '
    'data/coco/annotations/instances_train2017.json, data/coco/train2017/ and data/coco/val2017/ exist, '
    'or symlink an existing copy: ln -s /path/to/coco data/coco')
OTHER_DATA_HINT = (
    'For the built-in shapes dataset run `python tools/make_dataset.py` (it writes data/shapes/); '
    'for other data fix data_root, ann_file or data_prefix in the config, or set them with --cfg-options')


def missing_data_error(path: str, what: str) -> FileNotFoundError:
    """Build the error for a missing annotation file or image folder, saying how to get the data.

    Args:
        path: The missing path.
        what: What it should have been, e.g. ``'annotation file'``.

    Returns:
        The error to raise: COCO download steps for paths under ``data/coco``, otherwise how to make the
        built-in dataset or fix the config.
    """
    parts = PurePath(path).parts
    is_coco = any(parts[i:i + 2] == ('data', 'coco') for i in range(len(parts) - 1))
    where = '' if os.path.isabs(path) else f' (relative to the working directory {os.getcwd()})'
    return FileNotFoundError(f'{what} {path} does not exist{where}. '
                             f'{COCO_DOWNLOAD_HINT if is_coco else OTHER_DATA_HINT}.')


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


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
    return None


def load_coco_json(ann_file: str, backend_args: dict | None = None) -> dict:
    """Read a COCO detection annotation file and check its structure.

    Args:
        ann_file: Path of the json file.
        backend_args: mmengine file backend arguments, for files that are not on the local disk.

    Returns:
        The parsed json.

    Raises:
        ValueError: If the file is not valid json, lacks one of the ``images``, ``annotations`` and
            ``categories`` lists, or has an entry without the keys COCO tools need or with a malformed bbox;
            the message names the file and the first offending entry.
    """
    with get_local_path(ann_file, backend_args=backend_args) as local_path, open(local_path, 'rb') as file:
        try:
            dataset = json.load(file)
        except json.JSONDecodeError as err:
            raise ValueError(f'{ann_file} is not valid JSON: {err.msg} at line {err.lineno}, column '
                             f'{err.colno} (character {err.pos}); repair or re-create the file') from err
        except UnicodeDecodeError as err:
            raise ValueError(f'{ann_file} is not UTF-8 text ({err}); it must be a COCO json file') from err
    if not isinstance(dataset, dict):
        raise ValueError(f'{ann_file} holds a JSON {type(dataset).__name__}, not the object of a COCO file '
                         f'with {", ".join(REQUIRED_KEYS)} lists')
    missing = [section for section in REQUIRED_KEYS if not isinstance(dataset.get(section), list)]
    if missing:
        raise ValueError(f'{ann_file} is not a COCO detection file: it has no {" or ".join(missing)} list '
                         f'(it needs {", ".join(REQUIRED_KEYS)})')
    for section in REQUIRED_KEYS:
        for index, entry in enumerate(dataset[section]):
            problem = _entry_problem(entry, section)
            if problem is not None:
                shown = json.dumps(entry)
                shown = shown if len(shown) <= 200 else shown[:200] + '...'
                raise ValueError(f'{ann_file}: {section}[{index}] {problem} (COCO needs '
                                 f'{", ".join(REQUIRED_KEYS[section])}): {shown}')
    return dataset


def _plural(count: int, singular: str, plural: str) -> str:
    return f'{count} {singular if count == 1 else plural}'


def _missing_image_files(images: list[dict], img_dir: str) -> list[dict]:
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


def _annotation_problem(ann: dict, images: dict[Any, dict], category_ids: set) -> str | None:
    """Why an annotation cannot be trained on, as a counting key, or None if it can."""
    if ann['image_id'] not in images:
        return 'image id'
    if ann['category_id'] not in category_ids:
        return 'category id'
    x, y, w, h = ann['bbox']
    if w <= 0 or h <= 0 or ann['area'] <= 0:
        return 'zero-area'
    if w < 1 or h < 1:
        return 'under 1 px'
    image = images[ann['image_id']]
    if min(x + w, image['width']) <= max(x, 0) or min(y + h, image['height']) <= max(y, 0):
        return 'outside'
    return None


def _describe(problems: Counter, unknown_categories: set) -> str:
    """``problems`` counted per kind in words, e.g. ``2 zero-area boxes, 1 with unknown category id 99``."""
    details = []
    for key, (singular, plural) in SKIP_REASONS.items():
        if problems[key]:
            details.append(_plural(problems[key], singular, plural))
            if key == 'category id':
                details[-1] += ' ' + ', '.join(sorted(map(str, unknown_categories)))
    return ', '.join(details)


def drop_unusable(dataset: dict, img_dir: str | None, ann_file: str) -> tuple[dict, str | None]:
    """Remove the images without a file and the annotations nothing can be learned from.

    Args:
        dataset: A COCO json whose structure ``load_coco_json`` checked.
        img_dir: Folder of the images, or None to skip the check that their files exist.
        ann_file: Where ``dataset`` came from, for the messages.

    Returns:
        The cleaned dataset, and a warning counting what was skipped (None when nothing was).

    Raises:
        FileNotFoundError: If none of the listed images is in ``img_dir``.
    """
    missing_images = _missing_image_files(dataset['images'], img_dir) if img_dir is not None else []
    if missing_images and len(missing_images) == len(dataset['images']):
        raise FileNotFoundError(f'none of the {len(missing_images)} images of {ann_file} is in {img_dir} '
                                f'(e.g. {missing_images[0]["file_name"]}); fix data_prefix=dict(img=...) '
                                'in the config, or re-create the data')
    missing_ids = {image['id'] for image in missing_images}
    images = {image['id']: image for image in dataset['images']}
    category_ids = {category['id'] for category in dataset['categories']}
    kept, problems, unknown_categories = [], Counter(), set()
    for ann in dataset['annotations']:
        problem = _annotation_problem(ann, images, category_ids)
        if problem == 'category id':
            unknown_categories.add(ann['category_id'])
        if problem is not None:
            problems[problem] += 1
        elif ann['image_id'] not in missing_ids:
            kept.append(ann)

    skipped = []
    if problems:
        skipped.append(f'skipped {_plural(problems.total(), "annotation", "annotations")} '
                       f'({_describe(problems, unknown_categories)})')
    if missing_images:
        skipped.append(f'skipped {_plural(len(missing_images), "image", "images")} without a file in '
                       f'{img_dir} (e.g. {missing_images[0]["file_name"]})')
    cleaned = dict(dataset, images=[image for image in dataset['images'] if image['id'] not in missing_ids],
                   annotations=kept)
    return cleaned, f'{ann_file}: {"; ".join(skipped)}' if skipped else None


def _coco_from_dict(dataset: dict) -> COCO:
    """A COCO API object indexing ``dataset`` without reading a file."""
    coco = COCO()
    coco.dataset = dataset
    coco.createIndex()
    coco.img_ann_map, coco.cat_img_map = coco.imgToAnns, coco.catToImgs  # mmdet's aliases, from its __init__
    return coco


def _is_local(path: str, backend_args: dict | None) -> bool:
    return '://' not in path and (backend_args is None or backend_args.get('backend', 'local') == 'local')


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """``CocoDataset`` that checks its input and says what is wrong with it and how to fix it.

    Same arguments as ``mmdet.datasets.CocoDataset``. On top of it:

    - a missing annotation file or image folder raises ``FileNotFoundError`` saying how to get the data;
    - malformed or structurally wrong json raises ``ValueError`` naming the file and the first bad entry;
    - annotations with zero-area boxes, boxes outside their image, unknown category ids or image ids, and
      images whose file is missing are skipped, with one warning per dataset that counts each kind;
    - a file without any usable annotation raises ``DatasetError``, in training and in evaluation;
    - in test mode, an image the pipeline cannot read raises ``RuntimeError`` naming the file.
    """

    def load_data_list(self) -> list[dict]:
        """Check and clean the annotation file, then let ``CocoDataset`` parse what is left.

        Returns:
            One data info dict per usable image, as ``CocoDataset.load_data_list`` returns them.

        Raises:
            FileNotFoundError: If the annotation file or the image folder is missing, or holds none of the
                listed images.
            ValueError: If the annotation file is not a well-formed COCO file, or has none of the classes.
            DatasetError: If the file has no usable annotation (an empty training set; mAP -1 in evaluation).
        """
        img_dir = self.data_prefix['img']
        for path, what in ((self.ann_file, 'annotation file'), (img_dir, 'image folder')):
            if _is_local(path, self.backend_args) and not os.path.exists(path):
                raise missing_data_error(path, what)
        dataset = load_coco_json(self.ann_file, self.backend_args)
        self._check_classes(dataset['categories'])
        dataset, warning = drop_unusable(dataset, img_dir if _is_local(img_dir, self.backend_args) else None,
                                         self.ann_file)
        if warning is not None:
            print_log(warning, logger='current', level=logging.WARNING)
        if not dataset['annotations']:
            raise DatasetError(self._no_annotations_message(warning))

        coco = _coco_from_dict(dataset)
        self.COCOAPI = lambda _ann_file: coco  # the parent indexes the cleaned json, not the file
        try:
            return super().load_data_list()
        finally:
            del self.COCOAPI

    def _no_annotations_message(self, warning: str | None) -> str:
        use = ('COCO evaluation would report mAP -1' if self.test_mode else 'there is nothing to train on')
        why = f' after skipping unusable ones ({warning.split(": ", 1)[1]})' if warning else ''
        return (f'{self.ann_file} has no annotations{why}, so {use}; point ann_file at the annotation file with the '
                'boxes (for the built-in dataset run `python tools/make_dataset.py`)')

    def _check_classes(self, categories: list[dict]) -> None:
        """Raise if no class of the metainfo is a category of the file: every annotation would be dropped."""
        classes = self.metainfo['classes']
        names = [category['name'] for category in categories]
        if not set(classes) & set(names):
            shown = ', '.join(classes[:5]) + (', ...' if len(classes) > 5 else '')
            raise ValueError(f'none of the {len(classes)} classes in metainfo ({shown}) is a category of '
                             f'{self.ann_file} ({", ".join(names)}); set metainfo=dict(classes=(...)) in the '
                             'dataset config to the category names you want')

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on sample ``idx``; in test mode, raise instead of returning None.

        Raises:
            RuntimeError: In test mode, when the pipeline returns None because the image cannot be read.
        """
        data = super().prepare_data(idx)
        if data is None and self.test_mode:
            img_path = self.get_data_info(idx)['img_path']
            raise RuntimeError(f'cannot read image {img_path}: the test pipeline returned None for it (the '
                               f'warning above says why); replace the file or remove it from {self.ann_file}')
        return data


@TRANSFORMS.register_module()
class LoadImageFromFileChecked(LoadImageFromFile):
    """``LoadImageFromFile`` that warns, naming the file, and returns None for an image it cannot read.

    mmengine's ``BaseDataset`` then draws another sample while training, and ``CheckedCocoDataset`` raises an
    error naming the file in test mode. Same arguments as ``mmcv.transforms.LoadImageFromFile``.
    """

    def transform(self, results: dict) -> dict | None:
        """Load the image at ``results['img_path']``.

        Returns:
            ``results`` with the image, or None if the file is missing, empty or cannot be decoded.
        """
        img_path = results['img_path']
        try:
            loaded = super().transform(results)
        except Exception as err:  # each decoding backend fails with its own exception types
            reason = f'{type(err).__name__}: {err}'
        else:
            if loaded is not None:
                return loaded
            reason = 'the file cannot be read or decoded'
        print_log(f'cannot read image {img_path} ({reason}); skipping it', logger='current',
                  level=logging.WARNING)
        return None
