"""COCO box mAP of an exported detector on a COCO-format dataset: onnxruntime, numpy, Pillow and pycocotools only.

Every image is read, resized as MMDetection's test pipeline does (keep-ratio, the sidecar's scale and longer-side
limit), run through the ONNX model, and its boxes are mapped back to the original image's pixels; pycocotools
then scores all detections against the annotation file. The metric keys are those of MMDetection's
``CocoMetric`` (``bbox_mAP``, ``bbox_mAP_50``, ...), in percent.
"""

import contextlib
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..core.errors import DatasetError
from .annotations import (
    GroundTruth,
    images_of_another_size,
    images_without_file,
    missing_images_error,
    other_size_error,
    read_coco_file,
    usable_ground_truth,
)
from .detections import Detections
from .detector import Detector
from .images import read_image
from .tiled import ImageDetector, TiledDetector

#: MMDetection's CocoMetric names of the first six COCOeval.stats entries.
METRIC_KEYS = ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')


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


def detect_dataset(detector: ImageDetector, images: list[dict], image_dir: Path, category_ids: list[int],
                   progress: Callable[[int, int, float], None] | None = None) -> list[dict]:
    """Run ``detector`` on every image record and return all detections as COCO result records.

    Raises:
        DatasetError: If an image cannot be read.
    """
    results: list[dict] = []
    start = time.perf_counter()
    for done, record in enumerate(images, start=1):
        try:
            image = read_image(image_dir / record['file_name'])
        except (FileNotFoundError, ValueError) as error:
            raise DatasetError(f'{error}; replace the file or remove it from the annotation file') from None
        results.extend(to_coco_results(record['id'], detector.detect(image), category_ids))
        if progress is not None:
            progress(done, len(images), time.perf_counter() - start)
    return results


def coco_summary(ground_truth: GroundTruth, results: list[dict]) -> tuple[dict[str, float], str]:
    """Score ``results`` against the checked ground truth with pycocotools, over the classes' categories only
    (as MMDetection's ``CocoMetric``); return the metrics (percent) and the summary text."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    if not results:
        return {key: 0.0 for key in METRIC_KEYS}, 'no detections on any image: every metric is 0'
    summary = io.StringIO()
    with contextlib.redirect_stdout(summary):
        truth = COCO()
        truth.dataset = ground_truth.dataset
        truth.createIndex()
        evaluation = COCOeval(truth, truth.loadRes(results), 'bbox')
        evaluation.params.catIds = ground_truth.category_ids
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    # COCOeval reports -1 for an area range without ground truth; MMDetection's CocoMetric passes it on.
    metrics = {key: round(100 * float(value), 2) if value >= 0 else -1.0
               for key, value in zip(METRIC_KEYS, evaluation.stats, strict=False)}
    summary_text = summary.getvalue()
    return metrics, summary_text[summary_text.find(' Average Precision'):].rstrip()


def checked_ground_truth(ann_file: Path, image_dir: Path, classes: tuple[str, ...]) -> GroundTruth:
    """The annotation file checked by the rules training and ``tools/test.py`` apply (see :mod:`.annotations`).

    Raises:
        DatasetError: If the file is not a usable COCO file for ``classes``, an image has no file or another
            size than recorded, or an image cannot be read.
    """
    coco = read_coco_file(ann_file)
    if not image_dir.is_dir():
        raise DatasetError(f'image folder {image_dir} not found; pass the folder holding the images as --images')
    missing = images_without_file(coco['images'], image_dir)
    if missing:
        raise missing_images_error(missing, coco, str(ann_file), image_dir, 'pass the folder holding the images as '
                                   '--images, or remove these images from the file')
    wrong = images_of_another_size(coco['images'], image_dir, str(ann_file), strict=True)
    if wrong:
        raise other_size_error(wrong, str(ann_file))
    return usable_ground_truth(coco, classes, str(ann_file), use='COCO evaluation would report mAP -1',
                               fix='evaluate on a dataset with the classes the model was trained on')


def evaluate_detector(detector: ImageDetector, ann_file: str | Path, image_dir: str | Path,
                      progress: Callable[[int, int, float], None] | None = None,
                      warn: Callable[[str], None] | None = None,
                      tiles: tuple[int, float] | None = None) -> tuple[dict[str, float], str]:
    """COCO box metrics of a detector on a COCO-format dataset, each image run whole or tile by tile.

    The file is checked before any image is detected, by the rules training and ``tools/test.py`` apply: the
    model's classes are matched to the file's categories by name, and the annotations that are skipped there
    are skipped here too.

    Args:
        detector: The exported model's :class:`Detector`, or the PyTorch one behind the same interface.
        ann_file: COCO annotation file whose category names include the model's classes.
        image_dir: Folder holding the images named in ``ann_file``.
        progress: Called as ``progress(done, total, seconds)`` after every image, e.g. :func:`text_progress`.
        warn: Receives the line counting skipped annotations, when some are.
        tiles: ``(size, overlap)`` to detect tile by tile and merge over each image (:class:`TiledDetector`), or
            None to run each image whole.

    Returns:
        The metrics in percent (keys of :data:`METRIC_KEYS`) and pycocotools' printed summary.

    Raises:
        DatasetError: If the annotation file, the images or the class names do not fit.
    """
    ground_truth = checked_ground_truth(Path(ann_file), Path(image_dir), detector.spec.classes)
    if ground_truth.skipped is not None and warn is not None:
        warn(ground_truth.skipped)
    if tiles is not None:
        detector = TiledDetector(detector, *tiles)
    results = detect_dataset(detector, ground_truth.dataset['images'], Path(image_dir), ground_truth.category_ids,
                             progress)
    return coco_summary(ground_truth, results)


def evaluate_onnx(model_path: str | Path, ann_file: str | Path, image_dir: str | Path, threads: int = 1,
                  progress: Callable[[int, int, float], None] | None = None,
                  warn: Callable[[str], None] | None = None,
                  tiles: tuple[int, float] | None = None) -> tuple[dict[str, float], str]:
    """COCO box metrics of an exported detector on a COCO-format dataset (see :func:`evaluate_detector`).

    Args:
        model_path: The exported ``<name>.onnx`` (its ``<name>.json`` sidecar beside it).
        ann_file: COCO annotation file whose category names include the model's classes.
        image_dir: Folder holding the images named in ``ann_file``.
        threads: ONNX Runtime intra-op threads.
        progress: Called as ``progress(done, total, seconds)`` after every image.
        warn: Receives the line counting skipped annotations, when some are.
        tiles: ``(size, overlap)`` to detect tile by tile, or None.

    Raises:
        DatasetError: If the annotation file, the images or the class names do not fit.
        SidecarError: If the model's sidecar is missing, invalid or does not describe the model.
    """
    return evaluate_detector(Detector(model_path, threads=threads), ann_file, image_dir, progress, warn, tiles)
