"""GroupedPointwiseConv2d: nn.Conv2d's outputs and gradients from its batched-product training path."""

import pytest
import torch
from torch import nn

from shufflenet_det.models import ShuffleNetV1
from shufflenet_det.models.grouped_pointwise_conv import GroupedPointwiseConv2d


@pytest.mark.parametrize('groups,bias', [(3, False), (8, True), (1, False)])
def test_training_path_matches_conv2d_outputs_and_gradients(groups, bias):
    torch.manual_seed(0)
    layer = GroupedPointwiseConv2d(24, 48, 1, groups=groups, bias=bias).train()
    reference = nn.Conv2d(24, 48, 1, groups=groups, bias=bias)
    reference.load_state_dict(layer.state_dict())
    x = torch.randn(5, 24, 7, 9)
    x_ref = x.clone().requires_grad_()
    x.requires_grad_()
    out, out_ref = layer(x), reference(x_ref)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-5)
    upstream = torch.randn_like(out)
    out.backward(upstream)
    out_ref.backward(upstream)
    torch.testing.assert_close(x.grad, x_ref.grad, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(layer.weight.grad, reference.weight.grad, atol=1e-4, rtol=1e-5)


def test_evaluation_and_export_take_conv2d(monkeypatch):
    layer = GroupedPointwiseConv2d(6, 6, 1, groups=3).eval()
    monkeypatch.setattr(torch, 'bmm', lambda *args: pytest.fail('the batched-product path ran in eval mode'))
    assert layer(torch.randn(1, 6, 4, 4)).shape == (1, 6, 4, 4)


@pytest.mark.parametrize('kwargs', [dict(kernel_size=3), dict(kernel_size=1, stride=2),
                                    dict(kernel_size=1, padding=1)])
def test_other_than_plain_1x1_is_refused(kwargs):
    with pytest.raises(ValueError, match='1x1 convolution with stride 1 and no padding'):
        GroupedPointwiseConv2d(6, 6, groups=3, **kwargs)


def test_shufflenet_uses_it_for_its_grouped_1x1_convolutions_unless_given_a_conv_cfg():
    default = ShuffleNetV1(groups=3, widen_factor=0.5, out_indices=(0, ))
    pointwise = [m for m in default.modules() if isinstance(m, GroupedPointwiseConv2d)]
    # Stage2: its first unit's first 1x1 conv is not grouped (the paper's exception), so 2 * 4 - 1.
    assert len(pointwise) == 7 and all(m.groups == 3 for m in pointwise)
    custom = ShuffleNetV1(groups=3, widen_factor=0.5, out_indices=(0, ), conv_cfg=dict(type='Conv2d'))
    assert not any(isinstance(m, GroupedPointwiseConv2d) for m in custom.modules())
