"""The shapes dataset generator: deterministic, valid COCO boxes, varied content, skips identical reruns."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shufflenet_det.datasets.synthetic import (
    CLASSES,
    MAX_OBJECTS,
    MIN_OBJECT_SIZE,
    SPLITS,
    ShapesDataset,
    generate_dataset,
)


@pytest.fixture(scope='module')
def dataset(tmp_path_factory: pytest.TempPathFactory) -> ShapesDataset:
    return generate_dataset(tmp_path_factory.mktemp('shapes'), num_train=40, num_val=5, seed=3)


def load(dataset: ShapesDataset, split: str = 'train') -> dict:
    return json.loads(dataset.ann_file(split).read_text())


def test_layout(dataset: ShapesDataset) -> None:
    for split, count in zip(SPLITS, (40, 5), strict=True):
        coco = load(dataset, split)
        assert len(coco['images']) == count
        assert all((dataset.img_dir(split) / image['file_name']).is_file() for image in coco['images'])
    assert (dataset.root / 'meta.json').is_file()


def test_same_seed_gives_identical_files(dataset: ShapesDataset, tmp_path: Path) -> None:
    again = generate_dataset(tmp_path / 'again', num_train=40, num_val=5, seed=3)
    for split in SPLITS:
        assert again.ann_file(split).read_bytes() == dataset.ann_file(split).read_bytes()
    for name in ('000001.jpg', '000040.jpg'):
        assert (again.img_dir('train') / name).read_bytes() == (dataset.img_dir('train') / name).read_bytes()

    other = generate_dataset(tmp_path / 'other', num_train=40, num_val=5, seed=4)
    assert other.ann_file('train').read_bytes() != dataset.ann_file('train').read_bytes()


def test_boxes_are_inside_images_with_valid_categories(dataset: ShapesDataset) -> None:
    coco = load(dataset)
    images = {image['id']: image for image in coco['images']}
    assert [c['id'] for c in coco['categories']] == list(range(1, len(CLASSES) + 1))
    assert tuple(c['name'] for c in coco['categories']) == CLASSES
    assert len({ann['id'] for ann in coco['annotations']}) == len(coco['annotations'])
    for ann in coco['annotations']:
        image = images[ann['image_id']]
        x, y, w, h = ann['bbox']
        assert w > 0 and h > 0 and ann['area'] > 0 and ann['iscrowd'] == 0
        assert x >= 0 and y >= 0 and x + w <= image['width'] and y + h <= image['height']
        assert 1 <= ann['category_id'] <= len(CLASSES)


def test_images_match_their_records(dataset: ShapesDataset) -> None:
    for image in load(dataset)['images'][:5]:
        with Image.open(dataset.img_dir('train') / image['file_name']) as img:
            assert img.size == (image['width'], image['height']) and img.mode == 'RGB'


def test_content_is_varied(dataset: ShapesDataset) -> None:
    coco = load(dataset)
    assert {ann['category_id'] for ann in coco['annotations']} == set(range(1, len(CLASSES) + 1))
    objects_per_image = np.bincount([ann['image_id'] for ann in coco['annotations']])[1:]
    assert objects_per_image.min() >= 1 and objects_per_image.max() <= MAX_OBJECTS and len(set(objects_per_image)) >= 3
    sides = [max(ann['bbox'][2:]) for ann in coco['annotations']]
    assert min(sides) < 2 * MIN_OBJECT_SIZE and max(sides) > 50
    assert len({(image['width'], image['height']) for image in coco['images']}) > 5


def test_rerun_with_same_parameters_is_skipped(dataset: ShapesDataset) -> None:
    stamp = dataset.ann_file('train').stat().st_mtime_ns
    kept = generate_dataset(dataset.root, num_train=40, num_val=5, seed=3)
    assert not kept.generated
    assert dataset.ann_file('train').stat().st_mtime_ns == stamp


def test_rerun_with_other_parameters_regenerates(tmp_path: Path) -> None:
    generate_dataset(tmp_path, num_train=2, num_val=1)
    redone = generate_dataset(tmp_path, num_train=3, num_val=1)
    assert redone.generated
    assert len(load(redone)['images']) == 3


def test_rejects_bad_parameters(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match='num_train=-1'):
        generate_dataset(tmp_path, num_train=-1)
    with pytest.raises(ValueError, match='side_range'):
        generate_dataset(tmp_path, side_range=(10, 20))
