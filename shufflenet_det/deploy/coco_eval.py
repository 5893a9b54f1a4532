"""COCO box mAP of an exported detector on a COCO-format dataset: onnxruntime, numpy, Pillow and pycocotools only.

Every image is read, resized as MMDetection's test pipeline does (keep-ratio, the sidecar's scale and longer-side
limit), run through the ONNX model, and its boxes are mapped back to the original image's pixels; pycocotools
then scores all detections against the annotation file. The metric keys are those of MMDetection's
``CocoMetric`` (``bbox_mAP``, ``bbox_mAP_50``, ...), in percent.
"""

import contextlib
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..core.errors import DatasetError
from .detections import Detections
from .detector import Detector
from .images import read_image

#: MMDetection's CocoMetric names of the first six COCOeval.stats entries.
METRIC_KEYS = ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')


def category_ids_by_label(model_classes: tuple[str, ...], coco_categories: list[dict]) -> list[int]:
    """The COCO category id of each model label, matched by class name.

    Raises:
        DatasetError: If a model class has no category of the same name in the annotation file.
    """
    ids = {category['name']: category['id'] for category in coco_categories}
    missing = [name for name in model_classes if name not in ids]
    if missing:
        raise DatasetError(f'the model\'s classes {missing} are not categories of the annotation file (its '
                           f'categories: {sorted(ids)}); evaluate on a dataset with the classes the model was '
                           'trained on')
    return [ids[name] for name in model_classes]


def to_coco_results(image_id: int, detections: Detections, category_ids: list[int]) -> list[dict]:
    """COCO result records (``bbox`` as x, y, width, height) of one image's detections."""
    return [{'image_id': image_id, 'category_id': category_ids[int(label)],
             'bbox': [float(box[0]), float(box[1]), float(box[2] - box[0]), float(box[3] - box[1])],
             'score': float(score)}
            for box, score, label in zip(detections.boxes, detections.scores, detections.labels, strict=True)]


def text_progress(stream: TextIO = sys.stderr) -> Callable[[int, int, float], None]:
    """A progress bar writing ``[#####.....] done/total images, rate`` on one line of ``stream``."""

    def show(done: int, total: int, seconds: float) -> None:
        filled = 30 * done // max(total, 1)
        rate = done / seconds if seconds > 0 else 0.0
        stream.write(f'\r[{"#" * filled}{"." * (30 - filled)}] {done}/{total} images, {rate:.1f} images/s')
        if done == total:
            stream.write('\n')
        stream.flush()

    return show


def detect_dataset(detector: Detector, images: list[dict], image_dir: Path, category_ids: list[int],
                   progress: Callable[[int, int, float], None] | None = None) -> list[dict]:
    """Run ``detector`` on every image record and return all detections as COCO result records.

    Raises:
        DatasetError: If an image file is missing or its size differs from its annotation record.
    """
    results: list[dict] = []
    start = time.perf_counter()
    for done, record in enumerate(images, start=1):
        path = image_dir / record['file_name']
        if not path.is_file():
            raise DatasetError(f'image {path} of the annotation file is missing; pass the folder holding '
                               f'{record["file_name"]} as --images')
        image = read_image(path)
        if image.shape[:2] != (record['height'], record['width']):
            raise DatasetError(f'{path} is {image.shape[1]}x{image.shape[0]} but the annotation file says '
                               f'{record["width"]}x{record["height"]}: images and annotations do not belong together')
        results.extend(to_coco_results(record['id'], detector.detect(image), category_ids))
        if progress is not None:
            progress(done, len(images), time.perf_counter() - start)
    return results


def coco_summary(ann_file: Path, results: list[dict]) -> tuple[dict[str, float], str]:
    """Score ``results`` against ``ann_file`` with pycocotools; return the metrics (percent) and the summary text."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        ground_truth = COCO(str(ann_file))
    if not results:
        return {key: 0.0 for key in METRIC_KEYS}, 'no detections on any image: every metric is 0'
    summary = io.StringIO()
    with contextlib.redirect_stdout(summary):
        evaluation = COCOeval(ground_truth, ground_truth.loadRes(results), 'bbox')
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    # COCOeval reports -1 for an area range without ground truth; MMDetection's CocoMetric passes it on.
    metrics = {key: round(100 * float(value), 2) if value >= 0 else -1.0
               for key, value in zip(METRIC_KEYS, evaluation.stats, strict=False)}
    return metrics, summary.getvalue().rstrip()


def load_annotations(ann_file: Path) -> dict:
    """Read a COCO annotation file and check that it has images and categories.

    Raises:
        DatasetError: If the file is missing, not JSON, or lacks ``images`` or ``categories``.
    """
    if not ann_file.is_file():
        raise DatasetError(f'annotation file {ann_file} not found')
    try:
        coco = json.loads(ann_file.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f'annotation file {ann_file} is not valid JSON ({error})') from error
    if not isinstance(coco, dict) or not coco.get('images') or not coco.get('categories'):
        raise DatasetError(f'{ann_file} is not a COCO detection annotation file: it needs non-empty "images" and '
                           '"categories" lists')
    return coco


def evaluate_onnx(model_path: str | Path, ann_file: str | Path, image_dir: str | Path, threads: int = 1,
                  progress: Callable[[int, int, float], None] | None = None) -> tuple[dict[str, float], str]:
    """COCO box metrics of an exported detector on a COCO-format dataset.

    Args:
        model_path: The exported ``<name>.onnx`` (its ``<name>.json`` sidecar beside it).
        ann_file: COCO annotation file whose category names include the model's classes.
        image_dir: Folder holding the images named in ``ann_file``.
        threads: ONNX Runtime intra-op threads.
        progress: Called as ``progress(done, total, seconds)`` after every image, e.g. :func:`text_progress`.

    Returns:
        The metrics in percent (keys of :data:`METRIC_KEYS`) and pycocotools' printed summary.

    Raises:
        DatasetError: If the annotation file, the images or the class names do not fit.
        SidecarError: If the model's sidecar is missing or invalid.
    """
    detector = Detector(model_path, threads=threads)
    coco = load_annotations(Path(ann_file))
    category_ids = category_ids_by_label(detector.spec.classes, coco['categories'])
    results = detect_dataset(detector, coco['images'], Path(image_dir), category_ids, progress)
    return coco_summary(Path(ann_file), results)
