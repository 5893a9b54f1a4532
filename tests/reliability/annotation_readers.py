"""The three readers of an annotation file (training's dataset, tools/test.py's metric, tools/test_onnx.py), and
editing annotation files, for the reliability tests."""

import json
from pathlib import Path

import torch

COLOURS = ('red', 'green', 'blue')


class AnnotationReaders:
    """The three readers of an annotation file: training's dataset, tools/test.py's metric, tools/test_onnx.py."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self.onnx_warnings: list[str] = []

    def dataset(self, ann_file: Path, test_mode: bool = False, classes: tuple[str, ...] = COLOURS):
        """``CheckedCocoDataset`` on ``ann_file`` with the images beside it, as training (or test.py) builds it."""
        from shufflenet_det.datasets import CheckedCocoDataset
        return CheckedCocoDataset(ann_file=str(ann_file), data_prefix=dict(img=f'{ann_file.parent / "images"}/'),
                                  metainfo=dict(classes=classes), test_mode=test_mode, pipeline=[])

    def test_py_map(self, ann_file: Path, predictions_from: Path | None = None, classes: tuple[str, ...] = COLOURS,
                    metric: str = 'CheckedCocoMetric') -> float:
        """bbox mAP (percent) of tools/test.py's metric for perfect predictions: every box of ``predictions_from``
        (default ``ann_file``) with a positive size, labelled by the index of its category's name in ``classes``."""
        from mmdet.registry import METRICS
        source = json.loads((predictions_from or ann_file).read_text())
        names = {category['id']: category['name'] for category in source['categories']}
        samples = []
        for image in source['images']:
            anns = [ann for ann in source['annotations'] if ann['image_id'] == image['id']
                    and ann['bbox'][2] > 0 and ann['bbox'][3] > 0 and names.get(ann['category_id']) in classes]
            boxes = [[x, y, x + w, y + h] for x, y, w, h in (ann['bbox'] for ann in anns)]
            samples.append(dict(img_id=image['id'], ori_shape=(image['height'], image['width']), pred_instances=dict(
                bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4), scores=torch.ones(len(anns)),
                labels=torch.tensor([classes.index(names[ann['category_id']]) for ann in anns], dtype=torch.int64))))
        scorer = METRICS.build(dict(type=metric, ann_file=str(ann_file), metric='bbox'))
        scorer.dataset_meta = dict(classes=classes)
        scorer.process({}, samples)
        return round(100 * scorer.evaluate(len(samples))['coco/bbox_mAP'], 1)

    def test_onnx_map(self, ann_file: Path) -> float:
        """bbox mAP (percent) of tools/test_onnx.py's evaluation of the fixture model on ``ann_file``."""
        from shufflenet_det.deploy.coco_eval import evaluate_onnx
        metrics, _ = evaluate_onnx(self.model, ann_file, ann_file.parent / 'images', warn=self.onnx_warnings.append)
        return round(metrics['bbox_mAP'], 1)


def edit_annotations(ann_file: Path, edit, out_name: str | None = None) -> Path:
    """Apply ``edit`` to the parsed ``ann_file`` and write it (beside, as ``out_name``, or in place)."""
    content = json.loads(ann_file.read_text())
    edit(content)
    path = ann_file.with_name(out_name) if out_name else ann_file
    path.write_text(json.dumps(content))
    return path
