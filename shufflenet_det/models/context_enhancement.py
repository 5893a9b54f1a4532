"""ThunderNet's context enhancement module (CEM): a stride-16 map that also sees the stride-32 stage and the image."""

from collections.abc import Sequence

import torch
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


@MODELS.register_module()
class ContextEnhancement(BaseModule):
    """Sum of three 1x1 projections to ``out_channels`` on the stride-16 grid (Qin et al., ThunderNet, 2019).

    The stride-16 stage, the stride-32 stage upsampled to the stride-16 grid (nearest neighbour), and the
    stride-32 stage's global average (broadcast over the grid) are each projected by a 1x1 convolution with bias
    and summed. No normalisation or activation, as in ThunderNet.

    Args:
        in_channels: Channels of the stride-16 and the stride-32 inputs (the backbone's ``out_channels``).
        out_channels: Output channels; the light head uses ``bins x channels per bin`` (245 = 7 x 7 x 5).
        init_cfg: MMEngine initialisation config (default: Xavier uniform, as ThunderNet).
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(init_cfg or dict(type='Xavier', layer='Conv2d', distribution='uniform'))
        in_channels = tuple(in_channels)
        if len(in_channels) != 2:
            raise ValueError(f'ContextEnhancement takes the stride-16 and stride-32 maps, got in_channels='
                             f'{in_channels}; give the backbone two out_indices (ShuffleNetV1: (1, 2), '
                             'MobileNetV1: (3, 4))')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.local_conv = nn.Conv2d(in_channels[0], out_channels, 1)
        self.coarse_conv = nn.Conv2d(in_channels[1], out_channels, 1)
        self.global_conv = nn.Conv2d(in_channels[1], out_channels, 1)

    def forward(self, inputs: Sequence[torch.Tensor]) -> tuple[torch.Tensor]:
        """Map (stride-16, stride-32) features to a one-level tuple holding the enhanced stride-16 map."""
        fine, coarse = inputs
        local = self.local_conv(fine)
        # A factor, not the fine map's size: tracing would record that size as a constant of the example input.
        upsampled = nn.functional.interpolate(self.coarse_conv(coarse), scale_factor=2, mode='nearest')
        if upsampled.shape[-2:] != local.shape[-2:]:  # odd sizes; never with inputs padded to a multiple of 32
            upsampled = upsampled[..., :local.shape[-2], :local.shape[-1]]
        image = self.global_conv(coarse.mean(dim=(2, 3), keepdim=True))
        return (local + upsampled + image, )
