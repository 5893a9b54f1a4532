"""``shufflenet-det-bench --tile``: the model run per tile, detections merged in whole-image pixels, the tiling in
the JSON, and bad tile settings named."""

import json
from pathlib import Path

import numpy as np
import pytest

from shufflenet_det.deploy import bench


def _bench(model: Path, image: np.ndarray, folder: Path, name: str, *options: str) -> dict:
    np.save(folder / f'{name}.npy', image)
    status = bench.main([str(model), '--image', str(folder / f'{name}.npy'), '--runs', '2', '--warmup', '1',
                         '--json', str(folder / f'{name}.json'), *options])
    assert status == 0
    return json.loads((folder / f'{name}.json').read_text())


def test_an_object_in_one_tile_is_found_as_in_that_tile_moved_by_its_offset(fixture_model, tmp_path, capsys):
    image = np.zeros((64, 192, 3), np.uint8)
    image[10:50, 140:180, 0] = 255  # red only in the third tile (tiles of 64 px without overlap start at x 0, 64, 128)
    tiled = _bench(fixture_model, image, tmp_path, 'whole', '--tile', '64', '--overlap', '0',
                   '--draw', str(tmp_path / 'whole.png'))
    alone = _bench(fixture_model, np.ascontiguousarray(image[:, 128:]), tmp_path, 'tile')
    [found], [expected] = tiled['detections'], alone['detections']
    assert found['class'] == expected['class'] == 'red' and found['score'] == pytest.approx(expected['score'])
    assert found['box'] == pytest.approx(list(np.add(expected['box'], [128, 0, 128, 0])), abs=1e-3)
    assert tiled['input']['original_size'] == [64, 192] and tiled['input']['input_size'] == [64, 64]
    tiling = tiled['tiling']
    assert tiling['size'] == 64 and tiling['overlap'] == 0 and tiling['offsets'] == [[0, 0], [64, 0], [128, 0]]
    assert tiling['image_size'] == [64, 192] and 'NMS' in tiling['merge']
    assert tiling['timing_per_tile']['runs'] == 2 and tiled['timing']['runs'] == 2
    assert 'all 3 tiles' in tiled['timing']['what'] and 'tiling' not in alone
    assert (tmp_path / 'whole.png').read_bytes().startswith(b'\x89PNG')
    printed = capsys.readouterr().out
    assert '3 tiles of 64 px' in printed and 'whole image (all tiles + merge)' in printed and 'per tile' in printed


def test_the_default_overlap_is_prepare_datasets(fixture_model, tmp_path):
    result = _bench(fixture_model, np.zeros((64, 150, 3), np.uint8), tmp_path, 'plain', '--tile', '64')
    assert result['tiling']['overlap'] == bench.DEFAULT_OVERLAP
    assert result['tiling']['offsets'] == [[0, 0], [51, 0], [86, 0]]


def test_a_tile_as_large_as_the_image_is_refused(fixture_model, tmp_path, capsys):
    np.save(tmp_path / 'small.npy', np.zeros((64, 80, 3), np.uint8))
    assert bench.main([str(fixture_model), '--image', str(tmp_path / 'small.npy'), '--tile', '80', '--runs', '1']) == 2
    assert 'error: --tile 80: the 64x80 image fits in one tile' in capsys.readouterr().err


@pytest.mark.parametrize('options', [['--tile', '0'], ['--tile', '-5'], ['--tile', '64', '--overlap', '1'],
                                     ['--tile', '64', '--overlap', '-0.1'], ['--overlap', '0.2']])
def test_bad_tile_settings_are_named(fixture_model, options, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args([str(fixture_model), *options])
    err = capsys.readouterr().err
    assert '--tile' in err or '--overlap' in err
