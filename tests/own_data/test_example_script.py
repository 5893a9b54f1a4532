"""examples/hubble_galaxies_voc.py: the program that boxes and classes the example's galaxies."""

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / 'examples' / 'hubble_galaxies_voc.py'
spec = importlib.util.spec_from_file_location('hubble_galaxies_voc', SCRIPT)
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


def test_bright_regions_become_boxes_classed_by_colour() -> None:
    sky = np.zeros((60, 80, 3), np.uint8)
    sky[10:20, 10:16] = (220, 120, 90)  # red above 1.1 x blue
    sky[30:38, 50:62] = (90, 140, 230)
    sky[50, 70] = 255  # one bright pixel: under the 20-pixel minimum, not a galaxy
    # The smoothing before the threshold widens each region by a pixel on every side.
    assert sorted(example.galaxies(sky)) == [('blue', 49, 29, 63, 39), ('red', 9, 9, 17, 21)]


def test_crops_keep_boxes_at_least_half_inside() -> None:
    boxes = [('red', 90, 10, 110, 20), ('blue', 95, 30, 130, 40), ('blue', 10, 10, 20, 20)]
    assert example.crop_boxes(boxes, 0, 0) == [('red', 90, 10, 100, 20), ('blue', 10, 10, 20, 20)]
    assert example.crop_boxes(boxes, 100, 0) == [('red', 0, 10, 10, 20), ('blue', 0, 30, 30, 40)]
