"""A contact sheet of detections: one row per detector, one column per image, drawn with the device drawing code."""

from pathlib import Path

import numpy as np
import torch
from mmdet.apis import inference_detector
from PIL import Image, ImageDraw

from ..deploy.detections import Detections
from ..deploy.draw import draw_detections

#: Images are enlarged by this factor before drawing, so that small objects and captions stay readable.
ZOOM = 3
CAPTION_HEIGHT = 16
SCORE_THRESHOLD = 0.3


def torch_detections(model: torch.nn.Module, image_path: Path) -> Detections:
    """Detections of an MMDetection model (with ``model.cfg`` set) on one image file, in its pixels."""
    instances = inference_detector(model, str(image_path)).pred_instances
    return Detections(boxes=instances.bboxes.numpy().astype(np.float32), scores=instances.scores.numpy(),
                      labels=instances.labels.numpy().astype(np.int64))


def zoomed(image: np.ndarray, detections: Detections, zoom: int) -> tuple[np.ndarray, Detections]:
    """The image enlarged ``zoom`` times (bilinear) and the detections scaled with it."""
    height, width = image.shape[:2]
    large = np.asarray(Image.fromarray(image).resize((width * zoom, height * zoom), Image.BILINEAR))
    return large, Detections(boxes=detections.boxes * zoom, scores=detections.scores, labels=detections.labels)


def detection_sheet(rows: dict[str, list[tuple[np.ndarray, Detections]]], classes: tuple[str, ...],
                    zoom: int = ZOOM, min_score: float = SCORE_THRESHOLD) -> Image.Image:
    """One row per title: the title above its images, each drawn with its detections scoring >= ``min_score``.

    Args:
        rows: Title (e.g. the detector and its mAP) -> (RGB uint8 image, detections in its pixels) per column.
        classes: Class names, indexed by the detections' labels.
        zoom: Enlargement of every image.
        min_score: Detections below this score are not drawn.
    """
    drawn = {title: [draw_detections(*zoomed(image, dets, zoom), classes, min_score) for image, dets in images]
             for title, images in rows.items()}
    width = max(sum(tile.shape[1] for tile in tiles) for tiles in drawn.values())
    height = sum(CAPTION_HEIGHT + max(tile.shape[0] for tile in tiles) for tiles in drawn.values())
    sheet = Image.new('RGB', (width, height), 'white')
    pen = ImageDraw.Draw(sheet)
    y = 0
    for title, tiles in drawn.items():
        pen.text((4, y + 2), title, fill='black')
        y += CAPTION_HEIGHT
        x = 0
        for tile in tiles:
            sheet.paste(Image.fromarray(tile), (x, y))
            x += tile.shape[1]
        y += max(tile.shape[0] for tile in tiles)
    return sheet


def ground_truth(coco: dict, image_id: int) -> Detections:
    """The annotated boxes of one image as detections with score 1 (labels index the categories in order)."""
    labels = {category['id']: index for index, category in enumerate(coco['categories'])}
    objects = [ann for ann in coco['annotations'] if ann['image_id'] == image_id]
    boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in (ann['bbox'] for ann in objects)], np.float32)
    return Detections(boxes=boxes.reshape(-1, 4), scores=np.ones(len(objects), np.float32),
                      labels=np.array([labels[ann['category_id']] for ann in objects], np.int64))
