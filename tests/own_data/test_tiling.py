"""Tiles of large images: offsets, boxes by visible share, pixels cut from the image as the user sees it."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tool_files import SCALE, labelimg_xml

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.deploy.tiled import tile_starts
from shufflenet_det.own_data.convert import SplitChoice, convert_dataset
from shufflenet_det.own_data.readers import read_source
from shufflenet_det.own_data.tiling import TileGrid


def test_tile_starts_step_by_the_overlap_and_end_flush() -> None:
    assert tile_starts(250, 100, 0.2) == [0, 80, 150]
    assert tile_starts(100, 100, 0.2) == [0] and tile_starts(60, 100, 0.5) == [0]
    assert tile_starts(300, 100, 0.0) == [0, 100, 200]


def test_bad_tile_settings_are_named() -> None:
    with pytest.raises(DatasetError, match='--overlap 1.0'):
        TileGrid(100, overlap=1.0)
    with pytest.raises(DatasetError, match='--min-visible 0'):
        TileGrid(100, min_visible=0)


def test_large_images_become_tiles_with_their_boxes(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    src.mkdir()
    pixels = np.random.default_rng(0).integers(0, 256, (100, 250, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(src / 'wide.png')
    Image.fromarray(pixels[:50, :50]).save(src / 'small.png')
    # Tiles at x 0, 80 and 150 (100 px, 20 % overlap). Boxes at x 10-30, 70-100, 140-160 and the whole image.
    boxes = [('a', 11, 11, 30, 30), ('a', 71, 11, 100, 30), ('a', 141, 51, 160, 70), ('a', 1, 1, 250, 100)]
    (src / 'wide.xml').write_text(labelimg_xml(src / 'wide.png', boxes, size=(250, 100)))
    (src / 'small.xml').write_text(labelimg_xml(src / 'small.png', [('a', 5, 5, 20, 20)], size=(50, 50)))
    summary = convert_dataset(read_source(src, 'voc'), src, tmp_path / 'out', SCALE, SplitChoice('random', 0.5, 1),
                              tiles=TileGrid(100, 0.2, 0.5))
    images = {name: image for split in summary['splits'] for name, image in _images(tmp_path / 'out', split)}
    assert sorted(images) == ['small.png', 'wide_x0_y0.png', 'wide_x150_y0.png', 'wide_x80_y0.png']
    assert images['wide_x80_y0.png']['tile'] == dict(image='wide.png', x=80, y=0)
    assert images['wide_x0_y0.png']['boxes'] == [[10.0, 10.0, 20.0, 20.0], [70.0, 10.0, 30.0, 20.0]]
    assert images['wide_x80_y0.png']['boxes'] == [[0.0, 10.0, 20.0, 20.0], [60.0, 50.0, 20.0, 20.0]]
    assert images['wide_x150_y0.png']['boxes'] == [[0.0, 50.0, 10.0, 20.0]]  # half of 140-160: just enough
    assert summary['problems']['tile cut']['count'] == 3  # the whole-image box: 40 % of it in each tile
    tile = np.asarray(Image.open(tmp_path / 'out/images/wide_x150_y0.png'))
    assert np.array_equal(tile, pixels[:, 150:250])
    assert summary['problems']['lost in tiling']['count'] == 1
    assert 'small.png' in images and images['small.png']['tile'] is None
    # The val images also whole, with their boxes in the whole image, for tiled detection scored on them.
    whole = json.loads((tmp_path / 'out/annotations/val_whole.json').read_text())
    assert len(whole['images']) == 1 and whole['images'][0]['file_name'] in ('wide.png', 'small.png')
    assert (tmp_path / 'out/images' / whole['images'][0]['file_name']).is_file()


def _images(out: Path, split: str):
    coco = json.loads((out / 'annotations' / f'{split}.json').read_text())
    for image in coco['images']:
        boxes = [ann['bbox'] for ann in coco['annotations'] if ann['image_id'] == image['id']]
        yield image['file_name'], dict(tile=image.get('tile'), boxes=boxes)
