"""mmpretrain's (formerly mmcls) ShuffleNet v1 (``mmpretrain/models/backbones/shufflenet_v1.py``).

Its ImageNet release is 1x with g = 3 (``shufflenet_v1_batch1024_imagenet_20200804-5d6cec73.pth``, 68.13 %
top-1). The layout is ours under other names (``backbone.conv1``, ``backbone.layers.S.B.g_conv_1x1_compress``,
``depthwise_conv3x3_bn``, ``g_conv_1x1_expand``, ``head.fc``) except that the shuffle, in the paper's (g, C/g)
order, sits after the depthwise conv; the depthwise channels are reordered to match. Its 1x channel counts and
24-channel stem are the paper's for every g. Input: RGB with ImageNet mean and std.
"""

import torch

from .shufflenet_source import ShuffleNetSource
from .source import Architecture, KeyRules

GROUPS = (1, 2, 3, 4, 8)
PARTS = {'compress': 'g_conv_1x1_compress', 'depthwise': 'depthwise_conv3x3_bn', 'expand': 'g_conv_1x1_expand'}


class MmpretrainShuffleNetV1(ShuffleNetSource):
    """ShuffleNet v1 1x (any g) from mmpretrain."""

    name = 'mmpretrain'
    title = 'mmpretrain ShuffleNet v1'
    input_format = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)
    source_key = KeyRules({
        r'backbone\.stem\.0\.(conv|bn)\.(\w+)': r'backbone.conv1.\1.\2',
        r'backbone\.stage(\d)\.(\d+)\.(compress|depthwise|expand)\.(.+)':
            lambda match: (f'backbone.layers.{int(match[1]) - 2}.{match[2]}.{PARTS[match[3]]}.{match[4]}'),
        r'fc\.(weight|bias)': r'head.fc.\1',
    })

    def architectures(self) -> tuple[Architecture, ...]:
        return tuple(Architecture(f'shufflenet_v1_1x_g{groups}_mmpretrain', f'1x (g={groups})',
                                  dict(type='ShuffleNetV1', groups=groups, widen_factor=1.0))
                     for groups in GROUPS)

    def source_shuffle(self, channels: int, groups: int) -> torch.Tensor:
        """The paper's shuffle: ``x.view(n, g, C // g, h, w).transpose(1, 2)``."""
        return torch.arange(channels).view(groups, channels // groups).t().flatten()
