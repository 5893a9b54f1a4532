"""ShuffleNet v1 (Zhang et al., CVPR 2018) as an MMDetection backbone."""

import math
from collections.abc import Sequence

import torch
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule, build_activation_layer
from mmdet.registry import MODELS
from torch import nn

from .grouped_pointwise_conv import GroupedPointwiseConv2d
from .staged_backbone import Stage, StagedBackbone
from .utils import channel_shuffle

#: Output channels of Stage2, Stage3, Stage4 at width 1x (paper Table 1).
BASE_STAGE_CHANNELS = {
    1: (144, 288, 576),
    2: (200, 400, 800),
    3: (240, 480, 960),
    4: (272, 544, 1088),
    8: (384, 768, 1536),
}
#: Units per stage: one stride-2 unit followed by 3 / 7 / 3 stride-1 units.
STAGE_UNITS = (4, 8, 4)
STAGE_NAMES = ('stage2', 'stage3', 'stage4')
BASE_STEM_CHANNELS = 24
#: Conv1 widths that differ from 24 * widen_factor in the authors' released models: at 1.5x Conv1 keeps 24
#: channels, which gives the paper's 292 MFLOPs (36 channels would give 300).
RELEASED_STEM_CHANNELS = {1.5: 24}


def default_stem_channels(groups: int, widen_factor: float) -> int:
    """Conv1 width: 24 * widen_factor rounded up to a multiple of ``groups``, or the released model's width."""
    if widen_factor in RELEASED_STEM_CHANNELS:
        return RELEASED_STEM_CHANNELS[widen_factor]
    return math.ceil(BASE_STEM_CHANNELS * widen_factor / groups) * groups


def stage_channels(groups: int, widen_factor: float) -> tuple[int, int, int]:
    """Output channels of Stage2-4 for ``groups`` and width multiplier ``widen_factor``.

    Each count is the paper's 1x count times ``widen_factor``, rounded to the nearest multiple of
    ``4 * groups`` so that the bottleneck (a quarter of the output) splits evenly into the groups. Every cell of
    the paper that divides exactly (all g at 1x and 2x, g = 1, 3, 8 at every width) keeps its exact count.

    Raises:
        ValueError: If ``groups`` is not one of the paper's, ``widen_factor`` is not positive, or rounding
            would move a count by more than 10 %.
    """
    if groups not in BASE_STAGE_CHANNELS:
        raise ValueError(f'groups={groups} is not supported; choose one of {sorted(BASE_STAGE_CHANNELS)}')
    if not widen_factor > 0:
        raise ValueError(f'widen_factor={widen_factor} must be positive')
    multiple = 4 * groups
    channels = []
    for name, base in zip(STAGE_NAMES, BASE_STAGE_CHANNELS[groups], strict=True):
        exact = base * widen_factor
        rounded = max(multiple, int(exact / multiple + 0.5) * multiple)
        if abs(rounded - exact) > 0.1 * exact:
            raise ValueError(
                f'widen_factor={widen_factor} gives {name} {exact:g} channels, which do not divide into '
                f'groups={groups} (the nearest multiple of 4*groups={multiple} is {rounded}); '
                f'choose a larger widen_factor or fewer groups')
        channels.append(rounded)
    return tuple(channels)


def pointwise_conv_cfg(conv_cfg: dict | None, groups: int) -> dict | None:
    """The conv config of a 1x1 convolution: ``conv_cfg`` if given, :class:`GroupedPointwiseConv2d` if grouped."""
    if conv_cfg is None and groups > 1:
        return dict(type=GroupedPointwiseConv2d)
    return conv_cfg


class ShuffleUnit(nn.Module):
    """The ShuffleNet v1 unit (paper Fig. 2 b, c).

    1x1 group conv -> BN -> ReLU -> channel shuffle -> 3x3 depthwise conv (stride 1 or 2) -> BN ->
    1x1 group conv -> BN, then added to the input (stride 1) or concatenated with a 3x3 average pool of it
    (stride 2), then ReLU.

    Args:
        in_channels: Input channels.
        out_channels: Output channels of the unit (after the add or concat).
        groups: Groups of the 1x1 convolutions.
        stride: 1 (residual add) or 2 (concat with the pooled input).
        group_first_conv: Whether the first 1x1 conv is grouped (False for the first unit of Stage2).
        inverse_shuffle: Shuffle with the inverse permutation (see :class:`ShuffleNetV1`).
        conv_cfg: Convolution config; None gives nn.Conv2d, with :class:`GroupedPointwiseConv2d` for grouped 1x1.
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        with_cp: Trade compute for memory with gradient checkpointing.
    """

    def __init__(self, in_channels: int, out_channels: int, groups: int, stride: int,
                 group_first_conv: bool, conv_cfg: dict | None, norm_cfg: dict, act_cfg: dict,
                 with_cp: bool = False, inverse_shuffle: bool = False) -> None:
        super().__init__()
        if stride == 1 and in_channels != out_channels:
            raise ValueError(f'a stride-1 unit needs in_channels == out_channels, got {in_channels} and '
                             f'{out_channels}')
        branch_channels = out_channels if stride == 1 else out_channels - in_channels
        bottleneck = out_channels // 4
        self.groups = groups
        # The paper views the bottleneck channels as a (groups, n) matrix and transposes it; the inverse shuffle
        # views them as (n, groups), which is the same operation with n "groups".
        self.shuffle_groups = bottleneck // groups if inverse_shuffle else groups
        self.stride = stride
        self.with_cp = with_cp
        compress_groups = groups if group_first_conv else 1
        self.compress = ConvModule(in_channels, bottleneck, 1, groups=compress_groups,
                                   conv_cfg=pointwise_conv_cfg(conv_cfg, compress_groups), norm_cfg=norm_cfg,
                                   act_cfg=act_cfg)
        self.depthwise = ConvModule(bottleneck, bottleneck, 3, stride=stride, padding=1, groups=bottleneck,
                                    conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=None)
        self.expand = ConvModule(bottleneck, branch_channels, 1, groups=groups,
                                 conv_cfg=pointwise_conv_cfg(conv_cfg, groups), norm_cfg=norm_cfg, act_cfg=None)
        self.shortcut = nn.AvgPool2d(3, stride=2, padding=1) if stride == 2 else nn.Identity()
        self.act = build_activation_layer(act_cfg)

    def _pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        out = self.compress(x)
        if self.groups > 1:
            out = channel_shuffle(out, self.shuffle_groups)
        out = self.expand(self.depthwise(out))
        if self.stride == 1:
            return out + x
        return torch.cat((self.shortcut(x), out), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(self._pre_activation, x, use_reentrant=False)
        else:
            out = self._pre_activation(x)
        return self.act(out)


def build_shufflenet_stage(in_channels: int, out_channels: int, num_units: int, groups: int,
                           group_first_conv: bool, conv_cfg: dict | None, norm_cfg: dict, act_cfg: dict,
                           with_cp: bool, inverse_shuffle: bool = False) -> nn.Sequential:
    """One stride-2 unit followed by ``num_units - 1`` stride-1 units."""
    units = []
    for index in range(num_units):
        units.append(ShuffleUnit(in_channels if index == 0 else out_channels, out_channels, groups,
                                 stride=2 if index == 0 else 1,
                                 group_first_conv=group_first_conv or index > 0,
                                 conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg, with_cp=with_cp,
                                 inverse_shuffle=inverse_shuffle))
    return nn.Sequential(*units)


@MODELS.register_module()
class ShuffleNetV1(StagedBackbone):
    """ShuffleNet v1 backbone exactly as in the paper's Table 1.

    Conv1 (3x3, stride 2) and a 3x3 stride-2 max pool form the stem; Stage2, Stage3 and Stage4 (``out_indices``
    0, 1, 2; strides 8, 16, 32) follow. The stages are the attributes ``stage2``, ``stage3``, ``stage4``, so a
    checkpoint of this backbone also initialises a :class:`~shufflenet_det.models.BackboneStageHead` built on
    the same config.

    Args:
        groups: Groups of the 1x1 convolutions: 1, 2, 3, 4 or 8.
        widen_factor: The paper's width multiplier "s x" (0.25, 0.5, 1.0, 1.5, 2.0, or any other positive
            value whose channel counts divide into the groups, see :func:`stage_channels`).
        stem_channels: Channels of Conv1. Default: 24 * widen_factor rounded up to a multiple of ``groups``
            (24 at 1x for every g, as in the paper), except 24 at 1.5x as in the authors' released models
            (see :func:`default_stem_channels`).
        out_indices: Stages to output, 0 = Stage2, 1 = Stage3, 2 = Stage4.
        frozen_stages: -1 freezes nothing, 0 the stem, k the stem and the first k stages.
        norm_eval: Keep BN layers in eval mode during training.
        with_cp: Use gradient checkpointing inside each unit.
        conv_cfg: Convolution config (see :class:`ShuffleUnit`).
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        init_cfg: MMEngine initialisation config.
        inverse_shuffle: Use the inverse of the paper's channel shuffle: the bottleneck channels are viewed as a
            (channels / groups, groups) matrix before the transpose instead of (groups, channels / groups), as in
            Megvii's released ShuffleNet-Series models. Needed only to load their g=8 0.5x, 1x and 1.5x weights
            exactly (``shufflenet_det.checkpoints`` maps every other release onto the paper's shuffle).
    """

    num_stages = len(STAGE_NAMES)

    def __init__(self, groups: int = 3, widen_factor: float = 1.0, stem_channels: int | None = None,
                 out_indices: Sequence[int] = (2,), frozen_stages: int = -1, norm_eval: bool = False,
                 with_cp: bool = False, conv_cfg: dict | None = None,
                 norm_cfg: dict | None = None, act_cfg: dict | None = None,
                 init_cfg: dict | list[dict] | None = None, inverse_shuffle: bool = False) -> None:
        norm_cfg = norm_cfg or dict(type='BN', requires_grad=True)
        act_cfg = act_cfg or dict(type='ReLU')
        channels = stage_channels(groups, widen_factor)
        if stem_channels is None:
            stem_channels = default_stem_channels(groups, widen_factor)
        if stem_channels <= 0 or stem_channels % groups or stem_channels >= channels[0]:
            raise ValueError(f'stem_channels={stem_channels} must be a positive multiple of groups={groups} '
                             f'and smaller than Stage2 ({channels[0]} channels)')
        stem = nn.Sequential(
            ConvModule(3, stem_channels, 3, stride=2, padding=1, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                       act_cfg=act_cfg),
            nn.MaxPool2d(3, stride=2, padding=1))
        stages = []
        in_channels = stem_channels
        for index, (name, out_channels, num_units) in enumerate(zip(STAGE_NAMES, channels, STAGE_UNITS,
                                                                    strict=True)):
            module = build_shufflenet_stage(in_channels, out_channels, num_units, groups,
                                            group_first_conv=index > 0, conv_cfg=conv_cfg,
                                            norm_cfg=norm_cfg, act_cfg=act_cfg, with_cp=with_cp,
                                            inverse_shuffle=inverse_shuffle)
            stages.append(Stage(name, module, out_channels, stride=8 * 2 ** index))
            in_channels = out_channels
        if init_cfg is None:
            init_cfg = [dict(type='Kaiming', layer='Conv2d'),
                        dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])]
        super().__init__(stem, stages, out_indices, frozen_stages, norm_eval, init_cfg)
        self.groups = groups
        self.widen_factor = widen_factor
        self.inverse_shuffle = inverse_shuffle
