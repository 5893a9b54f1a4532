"""Odd annotation files get the same named error, or the same counted skip, in training, tools/test.py and
tools/test_onnx.py: repeated ids, empty or negative boxes, unknown category ids, crowd-only files; missing image
files and wrong recorded sizes are skipped and counted in training and the same error in both evaluators."""

import pytest
from annotation_readers import edit_annotations
from PIL import Image

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.datasets import checked_coco


@pytest.fixture
def logged(monkeypatch) -> list[str]:
    """What the dataset logs (the skip counts), captured by patching its ``print_log``."""
    messages = []
    monkeypatch.setattr(checked_coco, 'print_log', lambda message, **kwargs: messages.append(message))
    return messages


def repeat_image_id(coco: dict) -> None:
    coco['images'][1]['id'] = coco['images'][0]['id']


def repeat_annotation_id(coco: dict) -> None:
    coco['annotations'][1]['id'] = coco['annotations'][0]['id']


def all_crowd(coco: dict) -> None:
    for ann in coco['annotations']:
        ann['iscrowd'] = 1


def wrong_size(coco: dict) -> None:
    coco['images'][2]['width'], coco['images'][2]['height'] = 90, 150


ERRORS = {
    'repeated image id': (repeat_image_id, "image id 1 appears twice, in images[0] and images[1] (1.png and 2.png); "
                                           'image ids must be unique'),
    'repeated annotation id': (repeat_annotation_id, 'annotation id 1 appears twice, in annotations[0] and '
                                                     'annotations[1]; annotation ids must be unique'),
    'all crowd': (all_crowd, 'has only crowd regions: all 3 usable annotations are "iscrowd": 1, which training '
                             'ignores and COCO evaluation does not score'),
}


@pytest.mark.parametrize('case', ERRORS)
def test_the_same_named_error_in_training_test_py_and_test_onnx(case, colour_dataset, readers):
    edit, expected = ERRORS[case]
    edit_annotations(colour_dataset, edit)
    readings = {'training': lambda: readers.dataset(colour_dataset),
                'test.py dataset': lambda: readers.dataset(colour_dataset, test_mode=True),
                'test.py metric': lambda: readers.test_py_map(colour_dataset),
                'test_onnx.py': lambda: readers.test_onnx_map(colour_dataset)}
    for who, read in readings.items():
        with pytest.raises(DatasetError) as error:
            read()
        assert expected in str(error.value), who


def add_box(bbox: list[float], category_id: int = 2):
    def edit(coco: dict) -> None:
        coco['annotations'].append({'id': 99, 'image_id': 1, 'category_id': category_id, 'bbox': bbox,
                                    'area': bbox[2] * bbox[3], 'iscrowd': 0})
    return edit


SKIPS = {
    'negative width': (add_box([40, 20, -30, 30]), '1 empty box (zero or negative width, height or area)'),
    'zero height': (add_box([40, 20, 30, 0]), '1 empty box (zero or negative width, height or area)'),
    'unknown category id': (add_box([40, 20, 30, 30], category_id=7), '1 with unknown category id 7'),
}


@pytest.mark.parametrize('case', SKIPS)
def test_the_same_counted_skip_in_training_test_py_and_test_onnx(case, colour_dataset, readers, logged):
    edit, reason = SKIPS[case]
    original = edit_annotations(colour_dataset, lambda coco: None, 'original.json')
    edit_annotations(colour_dataset, edit)
    expected = f'{colour_dataset}: skipped 1 annotation ({reason})'
    dataset = readers.dataset(colour_dataset)
    assert sum(len(dataset.get_data_info(index)['instances']) for index in range(len(dataset))) == 3
    assert logged == [expected]
    readers.dataset(colour_dataset, test_mode=True)
    assert logged == [expected] * 2
    # Both evaluators score the three real boxes only: the skipped one is not counted as missed.
    assert readers.test_py_map(colour_dataset, predictions_from=original) == 100.0
    assert readers.test_onnx_map(colour_dataset) == 100.0
    assert readers.onnx_warnings == [expected]


def test_a_missing_image_file_is_skipped_in_training_and_an_error_in_evaluation(colour_dataset, readers, logged):
    (colour_dataset.parent / 'images' / '2.png').unlink()
    assert len(readers.dataset(colour_dataset)) == 2
    assert logged == [f'{colour_dataset}: skipped 1 image without a file in {colour_dataset.parent / "images"}/ '
                      '(2.png)']
    expected = f'1 image of {colour_dataset} has no file in {colour_dataset.parent / "images"}'
    for read in (lambda: readers.dataset(colour_dataset, test_mode=True),
                 lambda: readers.test_onnx_map(colour_dataset)):
        with pytest.raises(DatasetError) as error:
            read()
        assert str(error.value).startswith(expected)
        assert '(2.png); evaluating without it would count 1 box as missed: ' in str(error.value)


def test_a_wrong_recorded_size_is_skipped_in_training_and_an_error_in_evaluation(colour_dataset, readers, logged):
    edit_annotations(colour_dataset, wrong_size)
    assert len(readers.dataset(colour_dataset)) == 2
    assert logged == [f'{colour_dataset}: skipped 1 image of another size than recorded, whose boxes would be in '
                      'another frame (width x height, after the EXIF orientation that MMDetection and this project '
                      'apply) (3.png is 150x90, recorded 90x150)']
    expected = (f'1 image of {colour_dataset} differs in size from the record (3.png is 150x90, recorded 90x150; '
                'width x height, after the EXIF orientation that MMDetection and this project apply): the boxes '
                'would be compared in another frame; fix width and height in the annotation file')
    for read in (lambda: readers.dataset(colour_dataset, test_mode=True),
                 lambda: readers.test_onnx_map(colour_dataset)):
        with pytest.raises(DatasetError) as error:
            read()
        assert str(error.value).startswith(expected)


def test_an_unreadable_image_is_named_before_any_inference(colour_dataset, readers):
    image = colour_dataset.parent / 'images' / '3.png'
    image.write_bytes(b'not a png')
    for read in (lambda: readers.dataset(colour_dataset, test_mode=True),
                 lambda: readers.test_onnx_map(colour_dataset)):
        with pytest.raises(DatasetError, match=f'cannot read image {image} .*; replace the file or remove it from '):
            read()


def test_a_file_without_boxes_for_an_image_still_counts_it(colour_dataset, readers):
    """An image without annotations is a legitimate negative example: it is kept, not an error."""
    edit_annotations(colour_dataset, lambda coco: coco['annotations'].pop())
    Image.new('RGB', (150, 90)).save(colour_dataset.parent / 'images' / '3.png')
    assert len(readers.dataset(colour_dataset, test_mode=True)) == 3
