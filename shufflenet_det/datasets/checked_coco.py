"""COCO-format dataset and image loader that fail with clear messages on bad input.

``CheckedCocoDataset`` reads and checks the annotation json once before MMDetection indexes it, by the rules
``tools/test_onnx.py`` applies too (``shufflenet_det.deploy.annotations``): classes are matched to categories by
name; a missing file or folder, malformed json and repeated ids raise errors that say what is wrong and how to
fix it, while unusable annotations (and, in training, images without a file or of another size than recorded)
are skipped with one warning per dataset that counts each kind.
``LoadImageFromFileChecked`` decodes images as the device runner does and turns an unreadable image into a
warning and ``None``, so that training draws another sample; in test mode ``CheckedCocoDataset`` raises an error
naming the file instead.
"""

import logging
import os
from pathlib import PurePath
from typing import Any

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmdet.registry import DATASETS, TRANSFORMS
from mmengine import fileio
from mmengine.fileio import get_local_path
from mmengine.logging import print_log

from ..core.errors import ConfigError, DatasetError
from ..deploy.annotations import (
    SIZE_NOTE,
    drop_images,
    images_of_another_size,
    images_without_file,
    missing_images_error,
    other_size_error,
    parse_coco,
    usable_ground_truth,
)
from ..deploy.images import decode_image

CLASSES_FIX = ('set metainfo=dict(classes=(...)) in the dataset config to category names of the file, or rename the '
               "file's categories")

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


def load_coco_json(ann_file: str, backend_args: dict | None = None) -> dict:
    """Read a COCO detection annotation file and check its structure and ids (see ``deploy.annotations``).

    Args:
        ann_file: Path of the json file.
        backend_args: mmengine file backend arguments, for files that are not on the local disk.

    Raises:
        DatasetError: If the file is not a well-formed COCO detection file; the message names the first
            offending entry.
    """
    with get_local_path(ann_file, backend_args=backend_args) as local_path, open(local_path, 'rb') as file:
        return parse_coco(file.read(), ann_file)


def coco_from_dict(dataset: dict) -> COCO:
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

    Same arguments as ``mmdet.datasets.CocoDataset``. On top of it (rules shared with the evaluators, see
    ``shufflenet_det.deploy.annotations``):

    - the metainfo's classes are the file's categories of the same names, in any order; a class without a
      category of its name is an error listing both;
    - a missing annotation file or image folder raises ``FileNotFoundError`` saying how to get the data;
    - malformed or structurally wrong json, and repeated ids, raise ``DatasetError`` naming the entries;
    - annotations with empty boxes, boxes under 1 px or outside their image, unknown category or image ids, or
      categories not among the classes are skipped, with one warning per dataset that counts each kind;
    - images without a file, or whose file has another size than recorded (after EXIF orientation), are skipped
      and counted in training and an error in test mode (their boxes would be missed or misplaced);
    - a file without any usable annotation, crowd regions aside, raises ``DatasetError``;
    - in test mode, an image the pipeline cannot read raises ``DatasetError`` naming the file.
    """

    def load_data_list(self) -> list[dict]:
        """Check and clean the annotation file, then let ``CocoDataset`` parse what is left.

        Returns:
            One data info dict per usable image, as ``CocoDataset.load_data_list`` returns them.

        Raises:
            FileNotFoundError: If the annotation file or the image folder is missing, or holds none of the
                listed images.
            DatasetError: If the annotation file is not a well-formed COCO file, lacks a class, or has no usable
                annotation; in test mode, if an image has no file, another size than recorded, or cannot be read.
        """
        img_dir = self.data_prefix['img']
        for path, what in ((self.ann_file, 'annotation file'), (img_dir, 'image folder')):
            if _is_local(path, self.backend_args) and not os.path.exists(path):
                raise missing_data_error(path, what)
        dataset = load_coco_json(self.ann_file, self.backend_args)
        skipped_images: tuple[str, ...] = ()
        if _is_local(img_dir, self.backend_args):
            dataset, skipped_images = self._check_image_files(dataset, img_dir)
        use = 'COCO evaluation would report mAP -1' if self.test_mode else 'there is nothing to train on'
        ground_truth = usable_ground_truth(dataset, self.metainfo['classes'], self.ann_file, use, CLASSES_FIX,
                                           skipped_images)
        if ground_truth.skipped is not None:
            print_log(ground_truth.skipped, logger='current', level=logging.WARNING)
        coco = coco_from_dict(ground_truth.dataset)
        self.COCOAPI = lambda _ann_file: coco  # the parent indexes the cleaned json, not the file
        try:
            return super().load_data_list()
        finally:
            del self.COCOAPI

    def _check_image_files(self, dataset: dict, img_dir: str) -> tuple[dict, tuple[str, ...]]:
        """Skip (training) or refuse (test mode) images without a file or of another size than recorded."""
        missing = images_without_file(dataset['images'], img_dir)
        if missing and len(missing) == len(dataset['images']):
            raise FileNotFoundError(f'none of the {len(missing)} images of {self.ann_file} is in {img_dir} '
                                    f'(e.g. {missing[0]["file_name"]}); fix data_prefix=dict(img=...) in the '
                                    'config, or re-create the data')
        if missing and self.test_mode:
            raise missing_images_error(missing, dataset, self.ann_file, img_dir,
                                       'restore the files, or remove these images from the annotation file')
        notes = []
        if missing:
            dataset, note = drop_images(dataset, missing, f'without a file in {img_dir}',
                                        [image['file_name'] for image in missing])
            notes.append(note)
        wrong = images_of_another_size(dataset['images'], img_dir, self.ann_file, strict=self.test_mode)
        if wrong and self.test_mode:
            raise other_size_error(wrong, self.ann_file)
        if wrong:
            dataset, note = drop_images(dataset, [image for image, _ in wrong],
                                        f'of another size than recorded, whose boxes would be in another frame '
                                        f'({SIZE_NOTE})', [text for _, text in wrong])
            notes.append(note)
        return dataset, tuple(notes)

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on sample ``idx``; in test mode, raise instead of returning None.

        Raises:
            DatasetError: In test mode, when the pipeline returns None because the image cannot be read.
        """
        data = super().prepare_data(idx)
        if data is None and self.test_mode:
            img_path = self.get_data_info(idx)['img_path']
            raise DatasetError(f'cannot read image {img_path}: the test pipeline returned None for it (the '
                               f'warning above says why); replace the file or remove it from {self.ann_file}')
        return data


@TRANSFORMS.register_module()
class LoadImageFromFileChecked(LoadImageFromFile):
    """``LoadImageFromFile`` decoding as the device runner does, warning and returning None on unreadable images.

    Images are decoded by ``shufflenet_det.deploy.images.decode_image`` (Pillow, EXIF orientation applied as
    MMDetection applies it), whatever ``imdecode_backend`` says, so that ``tools/test.py`` and
    ``tools/test_onnx.py`` see the same pixels; the result is BGR, as MMDetection's pipelines expect.
    mmengine's ``BaseDataset`` draws another sample while training when an image cannot be read, and
    ``CheckedCocoDataset`` raises an error naming the file in test mode. Same arguments as
    ``mmcv.transforms.LoadImageFromFile``; ``color_type`` must be ``'color'``.

    Raises:
        ConfigError: If ``color_type`` is not ``'color'``.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.color_type != 'color':
            raise ConfigError(f"LoadImageFromFileChecked decodes colour images only (color_type='color'), as the "
                              f'device runner does; got color_type={self.color_type!r}')

    def transform(self, results: dict) -> dict | None:
        """Load the image at ``results['img_path']``.

        Returns:
            ``results`` with the BGR image, or None if the file is missing, empty or cannot be decoded.
        """
        img_path = results['img_path']
        try:
            rgb = decode_image(fileio.get(img_path, backend_args=self.backend_args), img_path)
        except Exception as err:  # file backends and decoders fail with their own exception types
            print_log(f'cannot read image {img_path} ({type(err).__name__}: {err}); skipping it', logger='current',
                      level=logging.WARNING)
            return None
        img = np.ascontiguousarray(rgb[..., ::-1])
        results['img'] = img.astype(np.float32) if self.to_float32 else img
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        return results
