"""Convolutions and model parts are sorted into the breakdown's categories."""

import pytest

from shufflenet_det.benchmark.breakdown import categories as cat


@pytest.mark.parametrize('in_channels, weight_shape, expected', [
    (240, (60, 80, 1, 1), cat.CONV_1X1_GROUP),     # ShuffleNet compress conv, g=3
    (24, (60, 24, 1, 1), cat.CONV_1X1_DENSE),      # first unit of Stage2: not grouped
    (60, (60, 1, 3, 3), cat.CONV_DEPTHWISE),
    (64, (64, 1, 3, 3), cat.CONV_DEPTHWISE),       # padded channels in ONNX Runtime's blocked layout
    (3, (24, 3, 3, 3), cat.CONV_OTHER),            # stem
    (480, (512, 480, 3, 3), cat.CONV_OTHER),       # RPN conv
])
def test_conv_category(in_channels, weight_shape, expected):
    assert cat.conv_category(in_channels, weight_shape) == expected


def test_parts_of_classifiers_are_stages():
    assert cat.part_of(['backbone', 'stage2', '0', 'compress', 'conv'], 'classifier', cat.CONV_1X1_GROUP) == 'stage2'
    assert cat.part_of(['fc'], 'classifier', cat.FULLY_CONNECTED) == 'fc'
    assert cat.part_of([], 'classifier', cat.OTHER) == cat.PART_GLUE


def test_parts_of_detectors():
    assert cat.part_of(['backbone', 'stage3'], 'detector', cat.CONV_DEPTHWISE) == cat.PART_BACKBONE
    assert cat.part_of(['rpn_head', 'rpn_conv'], 'detector', cat.CONV_OTHER) == cat.PART_RPN
    assert cat.part_of(['shared_head', 'stage4'], 'detector', cat.CONV_1X1_GROUP) == cat.PART_ROI_HEAD
    assert cat.part_of(['roi_head', 'bbox_roi_extractor'], 'detector', cat.ROI_ALIGN) == cat.PART_ROI_ALIGN
    assert cat.part_of([], 'detector', cat.ROI_ALIGN) == cat.PART_ROI_ALIGN
    assert cat.part_of([], 'detector', cat.NMS) == cat.PART_GLUE


def test_shuffle_unit_scope():
    assert cat.in_shuffle_unit(['backbone', 'stage2', 'stage2.1'])
    assert not cat.in_shuffle_unit(['backbone', 'stage2', 'stage2.1', 'compress'])
    assert not cat.in_shuffle_unit([])
