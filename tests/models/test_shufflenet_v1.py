import pytest
import torch
from mmdet.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from shufflenet_det.models.shufflenet_v1 import BASE_STAGE_CHANNELS, STAGE_NAMES, stage_channels

GROUPS = (1, 2, 3, 4, 8)
WIDTHS = (0.25, 0.5, 1.0, 1.5, 2.0)


@pytest.mark.parametrize('groups', GROUPS)
@pytest.mark.parametrize('widen_factor', WIDTHS)
def test_every_paper_cell_builds_and_gives_declared_shapes(groups, widen_factor):
    backbone = MODELS.build(dict(type='ShuffleNetV1', groups=groups, widen_factor=widen_factor,
                                 out_indices=(0, 1, 2)))
    backbone.eval()
    with torch.no_grad():
        outs = backbone(torch.rand(1, 3, 64, 96))
    assert backbone.strides == (8, 16, 32)
    assert backbone.out_channels == stage_channels(groups, widen_factor)
    for out, channels, stride in zip(outs, backbone.out_channels, backbone.strides, strict=True):
        assert out.shape == (1, channels, 64 // stride, 96 // stride)


@pytest.mark.parametrize('groups', GROUPS)
def test_1x_and_2x_channels_are_the_papers_exactly(groups):
    assert stage_channels(groups, 1.0) == BASE_STAGE_CHANNELS[groups]
    assert stage_channels(groups, 2.0) == tuple(2 * c for c in BASE_STAGE_CHANNELS[groups])


def test_unit_structure_matches_the_paper():
    backbone = MODELS.build(dict(type='ShuffleNetV1', groups=3, widen_factor=1.0))
    assert [len(getattr(backbone, name)) for name in backbone.stage_names] == [4, 8, 4]
    first, later = backbone.stage2[0], backbone.stage3[1]
    assert first.compress.conv.groups == 1  # Stage2's first 1x1 conv is not grouped
    assert later.compress.conv.groups == 3 and later.expand.conv.groups == 3
    assert later.compress.conv.out_channels == 480 // 4  # bottleneck = out / 4
    assert later.depthwise.conv.groups == later.depthwise.conv.in_channels  # depthwise
    assert not later.depthwise.with_activation and not later.expand.with_activation
    assert backbone.stage3[0].expand.conv.out_channels == 480 - 240  # stride-2 branch gives out - in
    assert backbone.stem[0].conv.out_channels == 24


@pytest.mark.parametrize('kwargs, message', [
    (dict(groups=5), 'groups=5'),
    (dict(groups=8, widen_factor=0.1), 'widen_factor=0.1'),
    (dict(widen_factor=-1.0), 'widen_factor=-1.0'),
    (dict(out_indices=(3,)), 'out_indices contains 3'),
    (dict(frozen_stages=4), 'frozen_stages=4'),
    (dict(groups=3, stem_channels=25), 'stem_channels=25'),
])
def test_bad_arguments_raise_value_error_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(type='ShuffleNetV1', **kwargs))


def test_frozen_stages_stay_frozen_after_train():
    backbone = MODELS.build(dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, frozen_stages=1,
                                 out_indices=(0, 1, 2)))
    backbone.train()
    for module in (backbone.stem, backbone.stage2):
        assert all(not p.requires_grad for p in module.parameters())
        assert all(not m.training for m in module.modules())
    assert all(p.requires_grad for p in backbone.stage3.parameters())
    assert backbone.stage3.training
    stats_before = backbone.stem[0].bn.running_mean.clone()
    backbone(torch.rand(2, 3, 64, 64))
    assert torch.equal(backbone.stem[0].bn.running_mean, stats_before)


def test_stages_after_the_last_output_are_not_built():
    backbone = MODELS.build(dict(type='ShuffleNetV1', groups=3, out_indices=(1, )))
    assert hasattr(backbone, 'stage3') and not hasattr(backbone, 'stage4')
    assert backbone.stage_names == STAGE_NAMES and backbone.out_channels == (480, )


def test_norm_eval_keeps_every_bn_in_eval_mode():
    backbone = MODELS.build(dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, norm_eval=True))
    backbone.train()
    norms = [m for m in backbone.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(not m.training for m in norms)


def test_with_cp_gives_the_same_output_and_gradients():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='ShuffleNetV1', groups=3, widen_factor=0.25, out_indices=(0,)))
    checkpointed = MODELS.build(dict(type='ShuffleNetV1', groups=3, widen_factor=0.25, out_indices=(0,),
                                     with_cp=True))
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.rand(2, 3, 64, 64, requires_grad=True)
    plain(x)[0].sum().backward()
    grad_plain = x.grad.clone()
    x.grad = None
    checkpointed(x)[0].sum().backward()
    assert torch.allclose(x.grad, grad_plain, atol=1e-5)
