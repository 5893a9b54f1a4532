"""The exporter's box arithmetic equals MMDetection's."""

import torch
from mmdet.models.task_modules.coders import DeltaXYWHBBoxCoder
from mmdet.models.task_modules.prior_generators import AnchorGenerator

from shufflenet_det.export.box_ops import anchors_at, decode_deltas, image_limits


def test_anchors_at_equal_mmdet_anchor_generator():
    generator = AnchorGenerator(strides=[16], ratios=[0.5, 1.0, 2.0], scales=[2, 4, 8])
    features = torch.rand(1, 8, 5, 7)
    expected = generator.single_level_grid_priors((5, 7), 0, device='cpu')
    indices = torch.tensor([0, 1, 8, 9, 20, 62, len(expected) - 1])
    assert torch.equal(anchors_at(indices, generator.base_anchors[0], 16, features), expected[indices])


def test_image_limits_are_width_height_width_height():
    assert torch.equal(image_limits(torch.zeros(1, 3, 80, 100)), torch.tensor([[100.0, 80.0, 100.0, 80.0]]))


def test_decode_deltas_equals_mmdet_coder_with_clipping():
    stds = (0.1, 0.1, 0.2, 0.2)
    coder = DeltaXYWHBBoxCoder(target_means=(0.0, 0.0, 0.0, 0.0), target_stds=stds)
    rois = torch.tensor([[10.0, 20.0, 50.0, 60.0], [0.0, 0.0, 90.0, 70.0], [60.0, 5.0, 99.0, 30.0]])
    deltas = torch.randn(3, 4) * 3  # large enough to hit the border and the ratio clamp
    expected = coder.decode(rois, deltas, max_shape=(80, 100))
    decoded = decode_deltas(rois, deltas, (0.0, 0.0, 0.0, 0.0), stds, image_limits(torch.zeros(1, 3, 80, 100)))
    assert torch.equal(decoded, expected)
    assert decoded[:, 0::2].max() <= 100 and decoded[:, 1::2].max() <= 80
