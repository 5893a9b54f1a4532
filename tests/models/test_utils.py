import pytest
import torch

from shufflenet_det.models.utils import channel_shuffle, make_divisible


def test_channel_shuffle_is_the_papers_group_transpose():
    # 2 groups of 3 channels: (g, n) = (2, 3) -> (n, g) = (3, 2).
    x = torch.arange(6.0).view(1, 6, 1, 1)
    shuffled = channel_shuffle(x, groups=2).flatten().tolist()
    assert shuffled == [0, 3, 1, 4, 2, 5]


def test_channel_shuffle_three_groups_interleaves_each_group():
    x = torch.tensor([10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33], dtype=torch.float).view(1, 12, 1, 1)
    shuffled = channel_shuffle(x, groups=3).flatten().tolist()
    assert shuffled == [10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33]


def test_channel_shuffle_rejects_indivisible_channels():
    with pytest.raises(ValueError, match='5 channels'):
        channel_shuffle(torch.zeros(1, 5, 2, 2), groups=2)


@pytest.mark.parametrize('value, expected', [(32, 32), (24, 24), (8 * 0.25, 8), (100, 104), (36, 40)])
def test_make_divisible(value, expected):
    assert make_divisible(value, 8) == expected
