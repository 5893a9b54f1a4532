import pytest
import torch
from mmdet.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm


@pytest.mark.parametrize('widen_factor', (0.25, 0.5, 0.75, 1.0))
def test_every_width_gives_declared_shapes(widen_factor):
    backbone = MODELS.build(dict(type='MobileNetV1', widen_factor=widen_factor, out_indices=(0, 1, 2, 3, 4)))
    backbone.eval()
    with torch.no_grad():
        outs = backbone(torch.rand(1, 3, 64, 96))
    assert backbone.strides == (2, 4, 8, 16, 32)
    expected = tuple(int(c * widen_factor) for c in (64, 128, 256, 512, 1024))
    assert backbone.out_channels == expected
    for out, channels, stride in zip(outs, backbone.out_channels, backbone.strides, strict=True):
        assert out.shape == (1, channels, 64 // stride, 96 // stride)


def test_conv11_is_the_stride_16_output_and_conv12_13_the_last_stage():
    backbone = MODELS.build(dict(type='MobileNetV1', out_indices=(3, 4)))
    assert list(backbone.stage4.named_children())[-1][0] == 'conv11'
    assert [name for name, _ in backbone.stage5.named_children()] == ['conv12', 'conv13']
    assert backbone.strides == (16, 32) and backbone.out_channels == (512, 1024)


def test_every_conv_has_bn_and_relu_including_depthwise():
    backbone = MODELS.build(dict(type='MobileNetV1'))
    blocks = [backbone.stem] + [m for name, m in backbone.named_modules() if name.endswith(('depthwise',
                                                                                             'pointwise'))]
    assert len(blocks) == 1 + 2 * 13
    assert all(b.with_norm and b.with_activation for b in blocks)


@pytest.mark.parametrize('kwargs, message', [
    (dict(widen_factor=0.0), 'widen_factor=0.0'),
    (dict(out_indices=(5,)), 'out_indices contains 5'),
    (dict(frozen_stages=6), 'frozen_stages=6'),
])
def test_bad_arguments_raise_value_error_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(type='MobileNetV1', **kwargs))


def test_frozen_stages_and_norm_eval_hold_after_train():
    backbone = MODELS.build(dict(type='MobileNetV1', widen_factor=0.25, frozen_stages=2, norm_eval=False))
    backbone.train()
    for module in (backbone.stem, backbone.stage1, backbone.stage2):
        assert all(not p.requires_grad for p in module.parameters())
        assert all(not m.training for m in module.modules())
    assert backbone.stage3.training and all(p.requires_grad for p in backbone.stage3.parameters())

    evaluated = MODELS.build(dict(type='MobileNetV1', widen_factor=0.25, norm_eval=True))
    evaluated.train()
    assert all(not m.training for m in evaluated.modules() if isinstance(m, _BatchNorm))
