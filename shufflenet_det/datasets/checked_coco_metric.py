"""MMDetection's COCO metric scoring against the annotation file as ``CheckedCocoDataset`` reads it."""

import logging
from collections.abc import Sequence

from mmdet.evaluation import CocoMetric
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from ..deploy.annotations import usable_ground_truth
from .checked_coco import CLASSES_FIX, coco_from_dict, load_coco_json


@METRICS.register_module()
class CheckedCocoMetric(CocoMetric):
    """``CocoMetric`` that matches classes to the file's categories by name and skips what the dataset skips.

    MMDetection's ``CocoMetric`` numbers the classes in the order of the file's ``categories`` list, so a file
    listing them in another order than the config scores every label as another class, and a missing category
    ends in an IndexError after inference. Here the annotation file is checked by the rules training and
    ``tools/test_onnx.py`` apply (``shufflenet_det.deploy.annotations``) when the dataset's classes are known,
    before any inference: label ``i`` is the category named ``classes[i]``, and the annotations the dataset
    skips (empty boxes, unknown category ids, ...) are not scored. Same arguments as ``CocoMetric``.

    Raises:
        DatasetError: If the annotation file is malformed, repeats an id, lacks a class, or has no usable
            annotation.
    """

    def __init__(self, ann_file: str | None = None, backend_args: dict | None = None, **kwargs) -> None:
        super().__init__(ann_file=None, backend_args=backend_args, **kwargs)
        self.ann_file = ann_file
        if ann_file is not None:
            self._file_content = load_coco_json(ann_file, backend_args)
            self._coco_api = coco_from_dict(self._file_content)  # replaced once the classes are known

    @property
    def dataset_meta(self) -> dict | None:
        """The dataset's meta information (its ``classes`` above all), set by the evaluator."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict | None) -> None:
        BaseMetric.dataset_meta.fset(self, dataset_meta)
        if self.ann_file is not None and dataset_meta is not None:
            self._use_classes(dataset_meta['classes'])

    def _use_classes(self, classes: Sequence[str]) -> None:
        ground_truth = usable_ground_truth(self._file_content, tuple(classes), self.ann_file,
                                           use='COCO evaluation would report mAP -1', fix=CLASSES_FIX)
        if ground_truth.skipped is not None:
            print_log(f'scoring without them: {ground_truth.skipped}', logger='current', level=logging.WARNING)
        self._coco_api = coco_from_dict(ground_truth.dataset)
        self.cat_ids = ground_truth.category_ids
