"""COCO mAP of an exported model (tools/test_onnx.py) on a tiny dataset, with the fixture model, without torch."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from onnx_fixture import BOX_FRACTIONS, CLASSES
from PIL import Image

from shufflenet_det.core.errors import DatasetError
from shufflenet_det.deploy.coco_eval import METRIC_KEYS, evaluate_onnx
from shufflenet_det.deploy.evaluate import main

ROOT = Path(__file__).resolve().parents[2]
GREEN = CLASSES.index('green')


def write_dataset(root: Path, green_levels: list[int], boxes: list[list[float]], categories: list[str] = CLASSES,
                  size: tuple[int, int] = (90, 150)) -> tuple[Path, Path]:
    """Green images (the fixture model detects one 'green' box per image) and a COCO file with one box each."""
    image_dir = root / 'images'
    image_dir.mkdir(parents=True)
    height, width = size
    images, annotations = [], []
    for index, (level, box) in enumerate(zip(green_levels, boxes, strict=True), start=1):
        pixels = np.zeros((height, width, 3), np.uint8)
        pixels[..., 1] = level
        Image.fromarray(pixels).save(image_dir / f'{index}.png')
        images.append({'id': index, 'file_name': f'{index}.png', 'width': width, 'height': height})
        x1, y1, x2, y2 = box
        annotations.append({'id': index, 'image_id': index, 'category_id': categories.index('green') + 1,
                            'bbox': [x1, y1, x2 - x1, y2 - y1], 'area': (x2 - x1) * (y2 - y1), 'iscrowd': 0})
    ann_file = root / 'instances.json'
    ann_file.write_text(json.dumps({'images': images, 'annotations': annotations, 'categories': [
        {'id': i + 1, 'name': name} for i, name in enumerate(categories)]}))
    return ann_file, image_dir


def fixture_box(size: tuple[int, int]) -> list[float]:
    """Where the fixture model puts its 'green' box on an image of ``size`` (height, width)."""
    height, width = size
    return (BOX_FRACTIONS[GREEN] * np.array([width, height, width, height])).tolist()


def test_boxes_are_mapped_back_to_the_original_images(fixture_model, tmp_path):
    ann_file, image_dir = write_dataset(tmp_path, [128, 100], [fixture_box((90, 150))] * 2)
    metrics, summary = evaluate_onnx(fixture_model, ann_file, image_dir)
    assert metrics['bbox_mAP'] == pytest.approx(100.0) and metrics['bbox_mAP_75'] == pytest.approx(100.0)
    assert set(metrics) == set(METRIC_KEYS)
    assert 'Average Precision' in summary


def test_a_missed_object_and_a_false_detection_halve_the_precision(fixture_model, tmp_path):
    # Image 2's object lies elsewhere: its (lower-scoring) detection is a false positive, the object is missed.
    ann_file, image_dir = write_dataset(tmp_path, [128, 100], [fixture_box((90, 150)), [0, 0, 10, 10]])
    metrics, _ = evaluate_onnx(fixture_model, ann_file, image_dir)
    assert metrics['bbox_mAP'] == pytest.approx(100 * 51 / 101, abs=0.01)  # recall 0..0.5 at precision 1


def test_classes_missing_from_the_dataset_are_refused(fixture_model, tmp_path):
    ann_file, image_dir = write_dataset(tmp_path, [128], [[0, 0, 10, 10]], categories=['green', 'cat'])
    with pytest.raises(DatasetError, match="has no categories named 'red', 'blue': classes are matched"):
        evaluate_onnx(fixture_model, ann_file, image_dir)


def test_missing_or_mismatched_images_are_named(fixture_model, tmp_path):
    ann_file, image_dir = write_dataset(tmp_path, [128], [[0, 0, 10, 10]])
    Image.new('RGB', (20, 20)).save(image_dir / '1.png')
    with pytest.raises(DatasetError, match='differs in size from the record \\(1.png is 20x20, recorded 150x90'):
        evaluate_onnx(fixture_model, ann_file, image_dir)
    (image_dir / '1.png').unlink()
    with pytest.raises(DatasetError, match=r'1 image of .* has no file in .* \(1.png\); evaluating without it would '
                                           'count 1 box as missed: pass the folder holding the images as --images'):
        evaluate_onnx(fixture_model, ann_file, image_dir)


def test_command_line_prints_the_summary_and_writes_json(fixture_model, tmp_path, capsys):
    ann_file, image_dir = write_dataset(tmp_path, [128], [fixture_box((90, 150))])
    out = tmp_path / 'out' / 'metrics.json'
    assert main([str(fixture_model), '--ann', str(ann_file), '--images', str(image_dir), '--json', str(out)]) == 0
    assert 'Average Precision  (AP) @[ IoU=0.50:0.95' in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert list(result) == [str(fixture_model)]
    assert set(METRIC_KEYS) <= set(result[str(fixture_model)]) and result[str(fixture_model)]['bbox_mAP'] == 100.0
    assert main([str(fixture_model), '--ann', str(tmp_path / 'nope.json'), '--images', str(image_dir)]) == 1
    assert 'nope.json not found' in capsys.readouterr().err


CHILD = '''
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'torchvision', 'mmcv', 'mmdet', 'mmengine'):
            raise ModuleNotFoundError(f'{name} is blocked by the test', name=name)
sys.meta_path.insert(0, Refuse())
import runpy
sys.argv = ['tools/test_onnx.py', *sys.argv[1:]]
runpy.run_path('tools/test_onnx.py', run_name='__main__')
'''


def test_tool_runs_without_torch_mmcv_or_mmdet(fixture_model, tmp_path):
    ann_file, image_dir = write_dataset(tmp_path, [128], [fixture_box((90, 150))])
    process = subprocess.run([sys.executable, '-c', CHILD, str(fixture_model), '--ann', str(ann_file), '--images',
                              str(image_dir)], cwd=ROOT, text=True, capture_output=True, timeout=120,
                             env={'PATH': '/usr/bin:/bin'})
    assert process.returncode == 0, process.stderr
    assert 'bbox_mAP=100.0' in process.stdout
