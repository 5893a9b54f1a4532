"""Validation of a model trained on tiles scored on the whole val images: the written config's TiledCocoMetric
moves each tile's detections into its image, merges the tiles, and scores the original images."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from tool_files import SCALE, labelimg_xml, write_image

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.core.project_configs import config_root
from shufflenet_det.datasets import TiledCocoMetric
from shufflenet_det.own_data.config_writer import write_config
from shufflenet_det.own_data.convert import SplitChoice, convert_dataset
from shufflenet_det.own_data.readers import read_source
from shufflenet_det.own_data.tiling import TileGrid

# Tiles of 100 px overlapping by 0.2 start at x 0, 80 and 150 of the 250 px wide images. The second box lies in
# the first two tiles (found twice, reported once), the others in one tile each.
BOXES = [('a', 11, 11, 30, 30), ('a', 86, 41, 95, 50), ('b', 201, 51, 240, 80)]


@pytest.fixture(scope='module')
def tiled_dataset(tmp_path_factory) -> tuple[Path, dict]:
    """Two 250x100 images, one of them in val, prepared with 100 px tiles."""
    src = tmp_path_factory.mktemp('tiled_src')
    for number in range(2):
        image = write_image(src / f'wide{number}.png', size=(250, 100), seed=number)
        (src / f'wide{number}.xml').write_text(labelimg_xml(image, BOXES, size=(250, 100)))
    out = src.parent / f'{src.name}_out'
    summary = convert_dataset(read_source(src, 'voc', out), src, out, SCALE, SplitChoice('random', 0.5, 0),
                              tiles=TileGrid(100, 0.2, 0.5))
    return out, summary


def _coco(path: Path) -> dict:
    return json.loads(path.read_text())


def _sample(tile: dict, boxes: list[list[float]], labels: list[int]) -> dict:
    """A data sample as the model's test step returns it: predictions in the tile's pixels."""
    xyxy = torch.tensor([[x, y, x + w, y + h] for x, y, w, h in boxes], dtype=torch.float32).reshape(-1, 4)
    return dict(img_id=tile['id'], ori_shape=(tile['height'], tile['width']),
                pred_instances=dict(bboxes=xyxy, scores=torch.full((len(boxes),), 0.9), labels=torch.tensor(labels)))


def test_tile_detections_are_merged_and_scored_on_the_whole_images(tiled_dataset, tmp_path) -> None:
    out, _ = tiled_dataset
    tiles, whole = _coco(out / 'annotations/val.json'), _coco(out / 'annotations/val_whole.json')
    assert len(tiles['images']) == 3 and len(whole['images']) == 1
    metric = TiledCocoMetric(ann_file=str(out / 'annotations/val_whole.json'),
                             tiles_file=str(out / 'annotations/val.json'), outfile_prefix=str(tmp_path / 'dets'))
    metric.dataset_meta = dict(classes=('a', 'b'))
    # Each tile "detects" exactly its ground truth, in its own pixels.
    metric.process({}, [_sample(tile, [ann['bbox'] for ann in tiles['annotations'] if ann['image_id'] == tile['id']],
                                [ann['category_id'] - 1 for ann in tiles['annotations']
                                 if ann['image_id'] == tile['id']])
                        for tile in tiles['images']])
    metrics = metric.evaluate(size=3)
    assert metrics['coco/bbox_mAP'] == pytest.approx(1.0)
    detections = _coco(tmp_path / 'dets.bbox.json')
    assert {detection['image_id'] for detection in detections} == {whole['images'][0]['id']}
    found = sorted(np.round(detection['bbox'], 2).tolist() for detection in detections)
    assert found == sorted(ann['bbox'] for ann in whole['annotations'])  # once each, in whole-image pixels


def test_tiles_of_an_image_the_whole_file_lacks_are_named(tiled_dataset, tmp_path) -> None:
    out, _ = tiled_dataset
    whole = _coco(out / 'annotations/val_whole.json')
    whole['images'][0]['file_name'] = 'other.png'
    (tmp_path / 'whole.json').write_text(json.dumps(whole))
    with pytest.raises(DatasetError, match=r'whole images of tiles .*wide\d_x0_y0.png.* are not in'):
        TiledCocoMetric(ann_file=str(tmp_path / 'whole.json'), tiles_file=str(out / 'annotations/val.json'))


def test_the_written_config_validates_on_the_whole_images(tiled_dataset, tmp_path) -> None:
    from mmengine.runner import Runner

    out, summary = tiled_dataset
    assert summary['tiles'] == dict(size=100, overlap=0.2, min_visible=0.5)
    cfg = Config.fromfile(str(write_config(config_root() / 'demo/shapes_frcnn_shufflenet.py', out, summary)))
    assert cfg.val_evaluator.type == cfg.test_evaluator.type == 'TiledCocoMetric'
    assert cfg.val_evaluator.ann_file == f'{out}/annotations/val_whole.json'
    assert cfg.val_evaluator.tiles_file == f'{out}/annotations/val.json'
    assert cfg.val_dataloader.dataset.ann_file == 'annotations/val.json'  # the model runs on the tiles
    cfg.work_dir = str(tmp_path / 'work')
    cfg.test_evaluator.outfile_prefix = str(tmp_path / 'dets')
    torch.manual_seed(0)
    metrics = Runner.from_cfg(cfg).test()  # an untrained model: the numbers mean nothing, their images do
    assert 'coco/bbox_mAP' in metrics
    whole = _coco(out / 'annotations/val_whole.json')
    detections = _coco(tmp_path / 'dets.bbox.json')
    assert detections and {detection['image_id'] for detection in detections} == {whole['images'][0]['id']}
    x, y, w, h = np.array([detection['bbox'] for detection in detections]).T
    assert (x + w).max() > 100 and (x + w).max() <= 250  # beyond the first tile, within the whole image
