"""SeparableRoIAlign gives mmcv's RoIAlign outputs and gradients, border and empty boxes included."""

import pytest
import torch
from mmcv.ops import roi_align

from shufflenet_det.models import SeparableRoIAlign

STRIDE = 16


def awkward_rois(count: int, height: int, width: int, images: int) -> torch.Tensor:
    """Boxes in image pixels over ``images`` maps: random ones, empty ones, ones crossing and beyond the border."""
    generator = torch.Generator().manual_seed(0)
    corner = torch.rand(count, 2, generator=generator) * torch.tensor([width, height]) * STRIDE * 1.2 - 20
    size = torch.rand(count, 2, generator=generator) * 150
    index = torch.randint(0, images, (count, 1), generator=generator).float()
    rois = torch.cat([index, corner, corner + size], dim=1)
    rois[:4, 3:] = rois[:4, 1:3]  # empty boxes
    rois[4:6, 1:3] = -40  # starting above and left of the map
    rois[6:8, 3:] = torch.tensor([width, height]) * STRIDE + 60  # ending below and right of it
    return rois


@pytest.mark.parametrize('sampling_ratio', [0, 1, 2])
@pytest.mark.parametrize('aligned', [True, False])
def test_outputs_and_gradients_equal_mmcv_roi_align(sampling_ratio, aligned):
    features = torch.randn(3, 5, 9, 13, generator=torch.Generator().manual_seed(1))
    rois = awkward_rois(60, 9, 13, images=3)
    output_grad = torch.randn(60, 5, 7, 6, generator=torch.Generator().manual_seed(2))
    reference_input = features.clone().requires_grad_()
    reference = roi_align(reference_input, rois, (7, 6), 1 / STRIDE, sampling_ratio, 'avg', aligned)
    (reference * output_grad).sum().backward()
    separable_input = features.clone().requires_grad_()
    separable = SeparableRoIAlign((7, 6), 1 / STRIDE, sampling_ratio, aligned)(separable_input, rois)
    (separable * output_grad).sum().backward()
    assert reference.abs().sum() > 0
    torch.testing.assert_close(separable, reference, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(separable_input.grad, reference_input.grad, atol=1e-5, rtol=1e-5)


def test_no_rois_gives_an_empty_batch():
    pooled = SeparableRoIAlign(7, 1 / STRIDE, 2)(torch.randn(2, 4, 8, 8), torch.zeros(0, 5))
    assert pooled.shape == (0, 4, 7, 7)


def test_negative_sampling_ratio_is_refused():
    with pytest.raises(ValueError, match='sampling_ratio must be 0'):
        SeparableRoIAlign(7, 1 / STRIDE, -1)
