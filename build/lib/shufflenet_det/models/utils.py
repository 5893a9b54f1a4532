"""Small tensor and channel-count helpers shared by the backbones."""

import torch


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Shuffle channels across groups as in ShuffleNet v1 (section 3.1).

    The channels, seen as a (groups, n) matrix, are transposed to (n, groups) and flattened, so that channel
    ``j`` of group ``i`` moves to position ``j * groups + i``.

    Args:
        x: Feature map of shape (N, C, H, W) with C divisible by ``groups``.
        groups: Number of groups of the preceding group convolution.

    Returns:
        The shuffled feature map, same shape as ``x``.
    """
    channels = x.shape[1]
    if not torch.jit.is_tracing() and channels % groups:  # while tracing for export the shapes are symbolic
        raise ValueError(f'channel_shuffle: {channels} channels cannot be split into {groups} groups')
    return x.unflatten(1, (groups, -1)).transpose(1, 2).flatten(1, 2)


def make_divisible(value: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``value`` to the nearest multiple of ``divisor``, never dropping more than 10 % below it.

    This is the rounding of the MobileNet family (TF-slim, timm, mmcv) for width multipliers.

    Args:
        value: The unrounded channel count.
        divisor: The multiple to round to.
        min_value: Smallest allowed result (default ``divisor``).

    Returns:
        The rounded channel count.
    """
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded
