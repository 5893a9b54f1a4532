"""The complexity tables: torchvision's reference classifiers and MMDetection's R50-C4 against published numbers."""

import pytest

from shufflenet_det.benchmark.classifiers import build_classifier
from shufflenet_det.complexity.mult_adds import classifier_complexity
from shufflenet_det.complexity.report import detector_row, percent_off
from shufflenet_det.core import paper_numbers
from shufflenet_det.core.project_configs import MMDET_R50_C4, config_for, display_path


@pytest.mark.parametrize('name, tolerance', [('ResNet-50', 0.01), ('VGG-16', 0.02), ('GoogLeNet', 0.04)])
def test_torchvision_classifiers_count_about_the_published_mult_adds(name, tolerance):
    measured = classifier_complexity(build_classifier(name))
    assert measured.mflops == pytest.approx(paper_numbers.CLASSIFIER_MFLOPS[name], rel=tolerance)
    assert measured.mparams == pytest.approx(paper_numbers.CLASSIFIER_MPARAMS[name], rel=0.03)


def test_mmdet_r50_c4_splits_image_and_roi_work():
    row = detector_row(MMDET_R50_C4, (300, 400), 10)
    _, input_label, rois, image_gflops, roi_mflops, total_gflops, _, mparams = row
    assert input_label == '300x400' and rois == 10
    assert image_gflops == pytest.approx(12.1, rel=0.02) and roi_mflops == pytest.approx(733, rel=0.02)
    assert total_gflops == pytest.approx(image_gflops + 10 * roi_mflops / 1e3) and mparams > 30


def test_project_configs_are_shown_as_users_write_them():
    assert display_path(config_for('frcnn_shufflenet_2x', 300)) == 'configs/frcnn_shufflenet_2x_300.py'
    assert display_path(MMDET_R50_C4) == MMDET_R50_C4
    assert percent_off(110, 100) == '+10.0 %' and percent_off(1, None) is None
