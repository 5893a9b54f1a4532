"""An annotation file without annotations stops training and evaluation with a named error."""

import json

import pytest

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.datasets import CheckedCocoDataset


@pytest.fixture
def empty_annotations(tiny_shapes, tmp_path):
    content = json.loads((tiny_shapes / 'annotations/instances_train.json').read_text())
    content['annotations'] = []
    path = tmp_path / 'empty.json'
    path.write_text(json.dumps(content))
    return path


@pytest.mark.parametrize('test_mode, consequence', [(False, 'there is nothing to train on'),
                                                    (True, 'COCO evaluation would report mAP -1')])
def test_empty_annotation_file_is_named(empty_annotations, tiny_shapes, test_mode, consequence):
    with pytest.raises(DatasetError, match=f'{empty_annotations} has no annotations, so {consequence}'):
        CheckedCocoDataset(ann_file=str(empty_annotations), data_prefix=dict(img=str(tiny_shapes / 'train') + '/'),
                           metainfo=dict(classes=('circle', 'square', 'triangle', 'cross', 'ring')),
                           test_mode=test_mode, pipeline=[])


def test_only_unusable_annotations_are_counted_in_the_message(tiny_shapes, tmp_path):
    content = json.loads((tiny_shapes / 'annotations/instances_train.json').read_text())
    for annotation in content['annotations']:
        annotation['bbox'][2] = 0
    path = tmp_path / 'zero_area.json'
    path.write_text(json.dumps(content))
    with pytest.raises(DatasetError, match=r'has no annotations after skipping unusable ones \(skipped \d+ '
                                           r'annotations \(\d+ empty boxes \(zero or negative width, height or '
                                           r'area\)\)\)'):
        CheckedCocoDataset(ann_file=str(path), data_prefix=dict(img=str(tiny_shapes / 'train') + '/'),
                           metainfo=dict(classes=('circle', 'square', 'triangle', 'cross', 'ring')), pipeline=[])
