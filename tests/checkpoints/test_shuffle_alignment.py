"""Channel reordering between shuffles: the orders are right, and exist exactly where the group counts allow."""

import pytest
import torch
import torch.nn.functional as F

from shufflenet_det.checkpoints.shuffle_alignment import (
    align_unit,
    reorder_group_conv_inputs,
    reorder_output_channels,
    shuffle_order,
)


def inverse_shuffle(channels: int, groups: int) -> torch.Tensor:
    """Megvii's (C/g, g) reshape order."""
    return torch.arange(channels).view(channels // groups, groups).t().flatten()


def test_shuffle_order_is_the_papers_transpose():
    assert shuffle_order(6, 2).tolist() == [0, 3, 1, 4, 2, 5]
    assert shuffle_order(6, 3).tolist() == [0, 2, 4, 1, 3, 5]  # the inverse shuffle of 6 channels in 2 groups


def test_equal_shuffles_need_only_the_depthwise_channels_moved():
    ours = shuffle_order(12, 3)
    alignment = align_unit(ours, ours, compress_groups=3, expand_groups=3)
    assert alignment.compress.tolist() == list(range(12))
    assert torch.equal(alignment.depthwise, ours)
    assert alignment.expand_input.tolist() == list(range(12))


@pytest.mark.parametrize('channels,groups,compress_groups,exists', [
    (60, 3, 3, True),   # Megvii 1x g=3 Stage2 (n = 20 per group)
    (48, 8, 8, False),  # Megvii 0.5x g=8 Stage2: group counts cannot match
    (48, 8, 1, True),   # ... but the first unit's ungrouped compress conv may be reordered freely
    (384, 8, 8, True),  # Megvii 2x g=8 Stage2 (n = 48, a multiple of g)
])
def test_a_reordering_exists_exactly_where_the_group_counts_match(channels, groups, compress_groups, exists):
    alignment = align_unit(shuffle_order(channels, groups), inverse_shuffle(channels, groups), compress_groups, groups)
    assert (alignment is not None) == exists


@pytest.mark.parametrize('channels,groups,compress_groups', [(60, 3, 3), (48, 8, 1), (24, 2, 2)])
def test_reordered_unit_computes_the_source_unit(channels, groups, compress_groups):
    """compress -> depthwise -> inverse shuffle -> expand equals ours: compress -> shuffle -> depthwise -> expand."""
    x = torch.randn(2, 24, 5, 5)
    compress = torch.randn(channels, 24 // compress_groups, 1, 1)
    depthwise = torch.randn(channels, 1, 3, 3)
    expand = torch.randn(48, channels // groups, 1, 1)
    source = inverse_shuffle(channels, groups)
    theirs = F.conv2d(F.conv2d(F.conv2d(x, compress, groups=compress_groups), depthwise, padding=1,
                               groups=channels)[:, source], expand, groups=groups)

    ours_order = shuffle_order(channels, groups)
    alignment = align_unit(ours_order, source, compress_groups, groups)
    our_compress = reorder_output_channels({'weight': compress}, alignment.compress)['weight']
    our_depthwise = reorder_output_channels({'weight': depthwise}, alignment.depthwise)['weight']
    our_expand = reorder_group_conv_inputs(expand, alignment.expand_input, groups)
    ours = F.conv2d(F.conv2d(F.conv2d(x, our_compress, groups=compress_groups)[:, ours_order], our_depthwise,
                             padding=1, groups=channels), our_expand, groups=groups)
    assert (ours - theirs).abs().max() < 1e-4
