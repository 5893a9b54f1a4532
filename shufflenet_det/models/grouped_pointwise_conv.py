"""A grouped 1x1 convolution that trains faster on a CPU: one batched matrix product over the groups."""

import torch
from torch import nn


class GroupedPointwiseConv2d(nn.Conv2d):
    """``nn.Conv2d`` restricted to 1x1 kernels, stride 1 and no padding, with a faster CPU training path.

    A 1x1 convolution with ``g`` groups is ``g`` matrix products of (out/g x in/g) weights with the (in/g x
    pixels) input of each group. In training mode on a CPU this layer computes it so, as one ``torch.bmm``,
    and autograd gives the backward pass as matrix products too: oneDNN's grouped-convolution backward is
    slow for these shapes (measured in docs/demo.md).
    Elsewhere (evaluation, export, GPU) it is ``nn.Conv2d``; parameters and outputs are the same either way.

    Args:
        in_channels: Input channels, a multiple of ``groups``.
        out_channels: Output channels, a multiple of ``groups``.
        kernel_size: Must be 1.
        groups: Channel groups.
        bias: Whether to add a learnt bias.
        **kwargs: Other ``nn.Conv2d`` arguments; ``stride``, ``padding`` and ``dilation`` must keep their
            defaults.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int] = 1,
                 groups: int = 1, bias: bool = True, **kwargs) -> None:
        super().__init__(in_channels, out_channels, kernel_size, groups=groups, bias=bias, **kwargs)
        if (self.kernel_size, self.stride, self.padding, self.dilation) != ((1, 1), (1, 1), (0, 0), (1, 1)):
            raise ValueError(f'{type(self).__name__} is a 1x1 convolution with stride 1 and no padding, got '
                             f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, '
                             f'dilation={self.dilation}; use nn.Conv2d')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and x.device.type == 'cpu'):
            return super().forward(x)
        batch, channels, height, width = x.shape
        groups = self.groups
        weight = self.weight.view(groups, self.out_channels // groups, channels // groups)
        # (batch, channels, pixels) -> (groups, channels per group, batch * pixels): one matrix per group.
        columns = x.view(batch, groups, channels // groups, height * width).permute(1, 2, 0, 3)
        out = torch.bmm(weight, columns.reshape(groups, channels // groups, batch * height * width))
        out = out.view(groups, self.out_channels // groups, batch, height * width).permute(2, 0, 1, 3)
        out = out.reshape(batch, self.out_channels, height, width)
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1, 1)
        return out
