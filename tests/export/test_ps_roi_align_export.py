"""Position-sensitive RoIAlign in standard ONNX operators equals torchvision's kernel, borders and degenerate boxes
included."""

import numpy as np
import onnx
import pytest
import torch
import torchvision
from torch import nn

from shufflenet_det.deploy.detector import make_session
from shufflenet_det.export import non_standard_ops
from shufflenet_det.export.ps_roi_align_onnx import ps_roi_align_standard

STRIDE = 16


def boxes_for(height: int, width: int, count: int, seed: int) -> torch.Tensor:
    """Random boxes in image coordinates plus boxes at and beyond the border, tiny and zero-size ones."""
    generator = torch.Generator().manual_seed(seed)
    image_h, image_w = height * STRIDE, width * STRIDE
    corners = torch.rand(count, 2, 2, generator=generator) * torch.tensor([image_w, image_h])
    random_boxes = torch.cat([corners.min(dim=1).values, corners.max(dim=1).values], dim=1)
    special = torch.tensor([
        [0.0, 0.0, image_w, image_h],                     # the whole image
        [-40.0, -30.0, image_w + 50.0, image_h + 20.0],   # beyond every border
        [image_w - 20.0, image_h - 12.0, image_w, image_h],  # bottom-right corner
        [0.0, 0.0, 9.0, 7.0],                             # top-left corner, smaller than a feature pixel
        [30.0, 40.0, 30.0, 90.0],                         # zero width
        [30.0, 40.0, 80.0, 40.0],                         # zero height
        [55.5, 66.25, 55.5, 66.25],                       # a point
        [image_w, image_h, image_w, image_h],             # the bottom-right corner point
        [10.0, 20.0, 10.5, 20.25],                        # tiny
    ])
    boxes = torch.cat([random_boxes, special])
    return torch.cat([torch.zeros(len(boxes), 1), boxes], dim=1)


class StandardPSRoIAlign(nn.Module):
    def __init__(self, output_size: tuple[int, int], sampling_ratio: int) -> None:
        super().__init__()
        self.output_size, self.sampling_ratio = output_size, sampling_ratio

    def forward(self, features: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        return ps_roi_align_standard(features, rois, self.output_size, 1 / STRIDE, self.sampling_ratio)


@pytest.mark.parametrize('output_size, channels_per_bin, sampling_ratio', [((7, 7), 5, 2), ((3, 4), 2, 1),
                                                                           ((7, 7), 3, 3)])
def test_torch_form_equals_the_kernel(output_size, channels_per_bin, sampling_ratio):
    bins = output_size[0] * output_size[1]
    features = torch.randn(2, channels_per_bin * bins, 9, 13)
    rois = torch.cat([boxes_for(9, 13, 40, seed=1), boxes_for(9, 13, 10, seed=2) + torch.tensor([1.0, 0, 0, 0, 0])])
    expected = torchvision.ops.ps_roi_align(features, rois, output_size, 1 / STRIDE, sampling_ratio)
    assert torch.isfinite(expected).all()
    torch.testing.assert_close(ps_roi_align_standard(features, rois, output_size, 1 / STRIDE, sampling_ratio),
                               expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('output_size, sampling_ratio', [((7, 7), 2), ((3, 4), 1)])
def test_onnx_runtime_equals_the_kernel_on_maps_and_box_counts_it_was_not_traced_with(tmp_path, output_size,
                                                                                         sampling_ratio):
    bins = output_size[0] * output_size[1]
    path = tmp_path / 'ps_roi_align.onnx'
    example = (torch.randn(1, 5 * bins, 8, 10), boxes_for(8, 10, 6, seed=0))
    torch.onnx.export(StandardPSRoIAlign(output_size, sampling_ratio), example, str(path), dynamo=False,
                      opset_version=17, input_names=['features', 'rois'], output_names=['pooled'],
                      dynamic_axes={'features': {2: 'height', 3: 'width'}, 'rois': {0: 'boxes'},
                                    'pooled': {0: 'boxes'}})
    model = onnx.load(str(path))
    assert non_standard_ops(model) == {}
    assert 'RoiAlign' in {node.op_type for node in model.graph.node}
    session = make_session(path, threads=1)
    # (height, width, random boxes besides the border and degenerate ones); None: no boxes at all.
    for seed, (height, width, count) in enumerate(((19, 25, 200), (5, 7, 1), (38, 50, 60), (12, 9, None))):
        features = torch.randn(1, 5 * bins, height, width, generator=torch.Generator().manual_seed(seed))
        rois = torch.zeros(0, 5) if count is None else boxes_for(height, width, count, seed)
        expected = torchvision.ops.ps_roi_align(features, rois, output_size, 1 / STRIDE, sampling_ratio)
        (pooled, ) = session.run(None, {'features': features.numpy(), 'rois': rois.numpy()})
        assert pooled.shape == tuple(expected.shape)
        # Bin corners are computed in image rather than feature coordinates: float32 rounding of a sampling
        # point (about 1e-5 feature pixels on these maps) moves a bilinear sample of N(0, 1) features by ~1e-5.
        np.testing.assert_allclose(pooled, expected.numpy(), atol=1e-4, rtol=0)
