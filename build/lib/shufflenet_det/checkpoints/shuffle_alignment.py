"""Reorder a ShuffleNet v1 unit's channels so that another channel shuffle computes the same function.

Our unit runs ``compress -> shuffle -> depthwise -> expand``; a published network may shuffle after the
depthwise conv (Megvii, mmpretrain) or with another permutation (Megvii's (C/g, g) reshape is the inverse of
the paper's). The depthwise conv and its BN act per channel, so a shuffle commutes with them once their channels
are permuted. What is left is to make each group of the ``expand`` conv read the same set of channels: the
``compress`` outputs may be permuted within their groups (or freely when ``compress`` is not grouped), and the
``expand`` inputs within theirs. :func:`align_unit` finds such a reordering when one exists.

A permutation is given as a tensor ``order`` with ``shuffled[p] = x[order[p]]``.
"""

from collections import defaultdict
from dataclasses import dataclass

import torch

from ..models.utils import channel_shuffle


def shuffle_order(channels: int, shuffle_groups: int) -> torch.Tensor:
    """The permutation :func:`~shufflenet_det.models.utils.channel_shuffle` applies to ``channels`` channels."""
    index = torch.arange(channels, dtype=torch.float64).view(1, channels, 1, 1)
    return channel_shuffle(index, shuffle_groups).flatten().long()


@dataclass(frozen=True)
class UnitAlignment:
    """Where each of our channels comes from in the source unit (all indices are source channels).

    Attributes:
        compress: For each of our ``compress`` output channels, the source ``compress`` output channel.
        depthwise: For each of our ``depthwise`` channels, the source ``depthwise`` channel.
        expand_input: For each of our ``expand`` input positions, the source ``expand`` input position (always
            in the same group).
    """

    compress: torch.Tensor
    depthwise: torch.Tensor
    expand_input: torch.Tensor


def align_unit(ours: torch.Tensor, source: torch.Tensor, compress_groups: int,
               expand_groups: int) -> UnitAlignment | None:
    """Find channel orders that make our unit compute what the source unit computes.

    Args:
        ours: Our shuffle, applied between ``compress`` and ``depthwise``.
        source: The source's shuffle, applied between ``depthwise`` and ``expand`` (a shuffle before the
            depthwise conv gives the same orders).
        compress_groups: Groups of the ``compress`` conv (1 for the first unit of Stage2).
        expand_groups: Groups of the ``expand`` conv.

    Returns:
        The alignment, or None if no reordering within the groups makes the two units equal.
    """
    channels = len(ours)
    compress_size, expand_size = channels // compress_groups, channels // expand_groups
    our_position, source_position = torch.argsort(ours), torch.argsort(source)
    # A compress channel is fixed up to its compress group and the expand group that reads it.
    our_buckets, source_buckets = defaultdict(list), defaultdict(list)
    for channel in range(channels):
        our_buckets[channel // compress_size, int(our_position[channel]) // expand_size].append(channel)
        source_buckets[channel // compress_size, int(source_position[channel]) // expand_size].append(channel)
    compress = torch.empty(channels, dtype=torch.long)
    for key, our_channels in our_buckets.items():
        source_channels = source_buckets.get(key, [])
        if len(source_channels) != len(our_channels):
            return None
        compress[our_channels] = torch.tensor(source_channels)
    depthwise = compress[ours]
    return UnitAlignment(compress=compress, depthwise=depthwise, expand_input=source_position[depthwise])


def reorder_output_channels(tensors: dict[str, torch.Tensor], order: torch.Tensor) -> dict[str, torch.Tensor]:
    """Permute the output channels of a conv weight and its BN (``num_batches_tracked`` is kept)."""
    return {name: value if value.dim() == 0 else value[order] for name, value in tensors.items()}


def reorder_group_conv_inputs(weight: torch.Tensor, expand_input: torch.Tensor, groups: int) -> torch.Tensor:
    """Permute the input channels of a grouped conv weight; ``expand_input`` never leaves a group."""
    out_channels, group_inputs = weight.shape[:2]
    group_outputs = out_channels // groups
    columns = expand_input.view(groups, group_inputs) - torch.arange(groups).unsqueeze(1) * group_inputs
    by_group = weight.view(groups, group_outputs, group_inputs, *weight.shape[2:])
    return torch.stack([by_group[g][:, columns[g]] for g in range(groups)]).view_as(weight)
