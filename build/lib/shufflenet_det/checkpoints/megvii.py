"""Megvii's ShuffleNet-Series ShuffleNet v1 (``megvii-model/ShuffleNet-Series``, ``ShuffleNetV1/``).

Their network differs from ours in ways the weights depend on, all mapped exactly here:

- ``first_conv`` is our stem; ``features.0..15`` are our units (Stage2 0-3, Stage3 4-11, Stage4 12-15).
- A unit's ``branch_main_1`` is 1x1 conv, BN, ReLU, 3x3 depthwise conv, BN; ``branch_main_2`` is the 1x1
  ``expand`` conv and BN. The channel shuffle sits after the depthwise conv and views the channels as a
  (C/g, g) matrix, the inverse of the paper's (g, C/g): see :class:`~.shufflenet_source.ShuffleNetSource`.
- A stride-2 unit returns ``cat(avgpool(x), relu(branch))``, ours ``relu(cat(avgpool(x), branch))``: equal,
  since ``x`` is the output of a ReLU or max pool of one.
- The classifier has no bias (ours gets zeros); the stem widths (12/16 at 0.5x, 24 at 1x and 1.5x, 48 at 2x)
  are our backbone's defaults.
- Input: BGR, 0-255, no mean or std (their ``ToBGRTensor``).
"""

import re

import torch

from ..models.shufflenet_v1 import STAGE_NAMES, STAGE_UNITS
from .shufflenet_source import ShuffleNetSource
from .source import Architecture, KeyRules

GROUPS = (3, 8)
WIDTHS = (0.5, 1.0, 1.5, 2.0)
#: Index in ``features`` of each stage's first unit.
FIRST_UNIT = {name: sum(STAGE_UNITS[:index]) for index, name in enumerate(STAGE_NAMES)}
#: Our unit part -> (branch, index of the conv in it); the BN follows the conv.
UNIT_PARTS = {'compress': ('branch_main_1', 0), 'depthwise': ('branch_main_1', 3), 'expand': ('branch_main_2', 0)}


def _unit_key(match: re.Match) -> str:
    stage, unit, part, layer, parameter = match.groups()
    branch, conv_index = UNIT_PARTS[part]
    index = conv_index if layer == 'conv' else conv_index + 1
    return f'features.{FIRST_UNIT[stage] + int(unit)}.{branch}.{index}.{parameter}'


class MegviiShuffleNetV1(ShuffleNetSource):
    """ShuffleNet v1 0.5x / 1x / 1.5x / 2x with g = 3 or 8 from Megvii's ShuffleNet-Series."""

    name = 'megvii'
    title = 'Megvii ShuffleNet-Series ShuffleNet v1'
    input_format = dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], bgr_to_rgb=False)
    source_key = KeyRules({
        r'backbone\.stem\.0\.conv\.(\w+)': r'first_conv.0.\1',
        r'backbone\.stem\.0\.bn\.(\w+)': r'first_conv.1.\1',
        r'backbone\.(stage\d)\.(\d+)\.(compress|depthwise|expand)\.(conv|bn)\.(\w+)': _unit_key,
        r'fc\.weight': 'classifier.0.weight',
        r'fc\.bias': None,
    })

    def architectures(self) -> tuple[Architecture, ...]:
        return tuple(Architecture(f'shufflenet_v1_{width:g}x_g{groups}_megvii', f'{width:g}x (g={groups})',
                                  dict(type='ShuffleNetV1', groups=groups, widen_factor=width))
                     for groups in GROUPS for width in WIDTHS)

    def absent_tensor(self, key: str, shape: tuple[int, ...]) -> torch.Tensor:
        """Zeros for the classifier bias their ``Linear(..., bias=False)`` lacks."""
        return torch.zeros(shape)

    def source_shuffle(self, channels: int, groups: int) -> torch.Tensor:
        """``x.reshape(n, C // g, g, h, w).permute(0, 2, 1, 3, 4)``: channel ``a * g + b`` goes to ``b * C/g + a``."""
        return torch.arange(channels).view(channels // groups, groups).t().flatten()
