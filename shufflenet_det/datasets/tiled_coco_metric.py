"""COCO metric of a detector validated on tiles, scored on the whole images the tiles were cut from."""

from collections import defaultdict
from collections.abc import Sequence

from mmdet.registry import METRICS
from mmengine.logging import print_log

from ..core.errors import DatasetError
from ..deploy.detections import Detections
from ..deploy.tiled import merge_tiles
from .checked_coco import load_coco_json
from .checked_coco_metric import CheckedCocoMetric


@METRICS.register_module()
class TiledCocoMetric(CheckedCocoMetric):
    """``CheckedCocoMetric`` over whole images for a dataset of tiles (``tools/prepare_dataset.py --tile``).

    The validation dataloader runs the model on the tiles of ``tiles_file``; each tile's detections are moved by
    the tile's offset into its whole image and the tiles of one image are merged with the rule of
    ``tools/test_tiled.py`` and ``tools/test_onnx.py --tile`` (:func:`shufflenet_det.deploy.tiled.merge_tiles`:
    per-class NMS over the image, the ``max_per_img`` best), then scored against ``ann_file``, the whole images.

    Args:
        ann_file: The whole images and their boxes (``annotations/val_whole.json``).
        tiles_file: The tiles the dataloader reads (``annotations/val.json``), each image entry with
            ``"tile": {"image": <whole image's file_name>, "x": <left>, "y": <top>}``; an entry without ``tile``
            is a whole image (one no larger than a tile).
        max_per_img: Detections kept per whole image after the merge (the model's ``test_cfg.rcnn.max_per_img``).
        backend_args: MMEngine file backend arguments.
        **kwargs: The other arguments of MMDetection's ``CocoMetric``.

    Raises:
        DatasetError: If a tile names a whole image that ``ann_file`` lacks, or either file is malformed.
    """

    def __init__(self, ann_file: str, tiles_file: str, max_per_img: int = 100, backend_args: dict | None = None,
                 **kwargs) -> None:
        super().__init__(ann_file=ann_file, backend_args=backend_args, **kwargs)
        self.max_per_img = max_per_img
        self._tiles = tile_places(load_coco_json(tiles_file, backend_args), self._file_content, tiles_file, ann_file)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each tile's detections (in the tile's pixels) with its id."""
        for sample in data_samples:
            pred = sample['pred_instances']
            self.results.append((sample['img_id'], Detections.from_arrays(
                pred['bboxes'].cpu().numpy(), pred['scores'].cpu().numpy(), pred['labels'].cpu().numpy())))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Merge the tiles' detections per whole image and score the whole images with ``CocoMetric``."""
        per_image = defaultdict(list)
        for tile_id, found in results:
            image_id, left, top = self._tiles[tile_id]
            per_image[image_id].append((left, top, found))
        print_log(f'scoring {len(per_image)} whole images merged from {len(results)} tiles', logger='current')
        whole = {image['id']: image for image in self._file_content['images']}
        merged = []
        for image_id, found in per_image.items():
            detections = merge_tiles(found, self.max_per_img)
            merged.append((dict(img_id=image_id, width=whole[image_id]['width'], height=whole[image_id]['height']),
                           dict(img_id=image_id, bboxes=detections.boxes, scores=detections.scores,
                                labels=detections.labels)))
        return super().compute_metrics(merged) if merged else {}


def tile_places(tiles: dict, whole: dict, tiles_file: str, whole_file: str) -> dict[int, tuple[int, int, int]]:
    """``{tile image id: (whole image id, left, top)}`` from the tiles' ``tile`` records (or their own name).

    Raises:
        DatasetError: Naming the tiles whose whole image ``whole`` lacks.
    """
    by_name = {image['file_name']: image['id'] for image in whole['images']}
    places, orphans = {}, []
    for image in tiles['images']:
        tile = image.get('tile') or dict(image=image['file_name'], x=0, y=0)
        if tile['image'] not in by_name:
            orphans.append(image['file_name'])
            continue
        places[image['id']] = (by_name[tile['image']], int(tile['x']), int(tile['y']))
    if orphans:
        shown = ', '.join(orphans[:5]) + (f', ... ({len(orphans)} in all)' if len(orphans) > 5 else '')
        raise DatasetError(f'{tiles_file}: the whole images of tiles {shown} are not in {whole_file}; give the '
                           'val_whole.json that tools/prepare_dataset.py --tile wrote with these tiles')
    return places

