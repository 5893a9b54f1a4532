"""The classification forms' mult-adds and parameters against the papers (within 2 %)."""

import pytest
import torch

from shufflenet_det.complexity.mult_adds import classifier_complexity, layer_mult_adds
from shufflenet_det.models import ClassificationNet

# (groups, widen_factor, paper MFLOPs) from ShuffleNet v1 Table 2 / Table 8.
SHUFFLENET_PAPER = [(1, 1.0, 143), (2, 1.0, 140), (3, 1.0, 137), (4, 1.0, 133), (8, 1.0, 137),
                    (3, 0.5, 38), (3, 1.5, 292), (3, 2.0, 524)]


@pytest.mark.parametrize('groups, widen_factor, paper_mflops', SHUFFLENET_PAPER)
def test_shufflenet_mult_adds_match_the_paper(groups, widen_factor, paper_mflops):
    net = ClassificationNet(dict(type='ShuffleNetV1', groups=groups, widen_factor=widen_factor))
    measured = classifier_complexity(net).mflops
    assert measured == pytest.approx(paper_mflops, rel=0.02)


def test_mobilenet_mult_adds_and_params_match_the_paper():
    complexity = classifier_complexity(ClassificationNet(dict(type='MobileNetV1')))
    assert complexity.mflops == pytest.approx(569, rel=0.02)
    assert complexity.mparams == pytest.approx(4.2, rel=0.02)


def test_layer_mult_adds_of_grouped_conv_and_linear():
    conv = torch.nn.Conv2d(12, 24, 3, padding=1, groups=3)
    assert layer_mult_adds(conv, conv(torch.zeros(1, 12, 5, 5))) == 24 * 5 * 5 * 4 * 9
    linear = torch.nn.Linear(10, 7)
    assert layer_mult_adds(linear, linear(torch.zeros(2, 10))) == 2 * 7 * 10
