"""Classes are the file's categories of the same names, wherever the file lists them: training's labels,
tools/test.py's metric and tools/test_onnx.py agree, and a missing category is a named error before inference."""

import pytest
from annotation_readers import COLOURS, edit_annotations
from conftest import run_tool_in_process

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.deploy.evaluate import main as evaluate_main


def rotate_categories(coco: dict) -> None:
    """Same ids and names, listed green, blue, red: by position, label 'green' would become blue."""
    coco['categories'] = coco['categories'][1:] + coco['categories'][:1]


def drop_blue(coco: dict) -> None:
    coco['categories'] = [category for category in coco['categories'] if category['name'] != 'blue']


def labels_by_image(dataset) -> dict:
    return {info['img_id']: [instance['bbox_label'] for instance in info['instances']]
            for info in map(dataset.get_data_info, range(len(dataset)))}


def test_permuted_categories_give_the_same_training_labels(colour_dataset, readers):
    permuted = edit_annotations(colour_dataset, rotate_categories, 'permuted.json')
    original = labels_by_image(readers.dataset(colour_dataset))
    assert original == {1: [1], 2: [1], 3: [1]}  # 'green' is label 1 of (red, green, blue)
    assert labels_by_image(readers.dataset(permuted)) == original


def test_permuted_categories_score_like_the_original_in_test_py(colour_dataset, readers):
    permuted = edit_annotations(colour_dataset, rotate_categories, 'permuted.json')
    assert readers.test_py_map(colour_dataset) == 100.0
    assert readers.test_py_map(permuted, predictions_from=colour_dataset) == 100.0
    # MMDetection's own CocoMetric numbers the classes in the file's order: the same predictions score 0.
    assert readers.test_py_map(permuted, predictions_from=colour_dataset, metric='CocoMetric') == 0.0


def test_permuted_categories_score_like_the_original_in_test_onnx(colour_dataset, readers):
    permuted = edit_annotations(colour_dataset, rotate_categories, 'permuted.json')
    assert readers.test_onnx_map(colour_dataset) == 100.0
    assert readers.test_onnx_map(permuted) == 100.0


def test_a_missing_category_is_the_same_named_error_everywhere(colour_dataset, readers):
    edit_annotations(colour_dataset, drop_blue)
    expected = (f"{colour_dataset} has no category named 'blue': classes are matched to categories by name, and "
                "the classes are 'red', 'green', 'blue' while the file's categories are 'red', 'green'; ")
    for read in (lambda: readers.dataset(colour_dataset), lambda: readers.dataset(colour_dataset, test_mode=True),
                 lambda: readers.test_py_map(colour_dataset), lambda: readers.test_onnx_map(colour_dataset)):
        with pytest.raises(DatasetError) as error:
            read()
        assert str(error.value).startswith(expected)


def test_the_metric_refuses_a_missing_category_when_it_learns_the_classes(colour_dataset):
    from mmdet.registry import METRICS
    edit_annotations(colour_dataset, drop_blue)
    metric = METRICS.build(dict(type='CheckedCocoMetric', ann_file=str(colour_dataset)))
    with pytest.raises(DatasetError, match="has no category named 'blue'"):
        metric.dataset_meta = dict(classes=COLOURS)  # the evaluator sets it before the first image is run


def test_test_onnx_names_a_missing_category(colour_dataset, device_model, capsys):
    edit_annotations(colour_dataset, drop_blue)
    status = evaluate_main([str(device_model), '--ann', str(colour_dataset), '--images',
                             str(colour_dataset.parent / 'images')])
    err = capsys.readouterr().err
    assert status == 1 and f"error: {colour_dataset} has no category named 'blue'" in err and 'Traceback' not in err


def test_test_py_names_a_missing_category_before_inference(trained_shapes_detector, tmp_path, monkeypatch):
    val_dir = trained_shapes_detector.val_images
    ann_file = edit_annotations(val_dir.parent / 'annotations' / 'instances_val.json', lambda coco: coco.update(
        categories=[category for category in coco['categories'] if category['name'] != 'ring']), 'no_ring.json')
    moved = tmp_path / 'no_ring.json'
    ann_file.rename(moved)
    message = run_tool_in_process(
        'test.py', str(trained_shapes_detector.config), str(trained_shapes_detector.checkpoint), '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', f'test_dataloader.dataset.data_root={val_dir.parent}/',
        f'test_dataloader.dataset.ann_file={moved}', f'test_evaluator.ann_file={moved}', monkeypatch=monkeypatch)
    assert message.startswith(f"error: {moved} has no category named 'ring': classes are matched to categories by "
                              "name, and the classes are 'circle', 'square', 'triangle', 'cross', 'ring' while the "
                              "file's categories are 'circle', 'square', 'triangle', 'cross'; set metainfo=")
