"""ShuffleNet v1 units re-expressed for export in the form ONNX Runtime executes in fewer instructions.

:func:`with_exported_shuffle_units` returns a copy of a module whose :class:`~shufflenet_det.models.ShuffleUnit`
children compute the same function with reordered weights:

- every batch norm is folded into the convolution before it (ONNX Runtime folds them too when it loads a model;
  folded here, the file is what runs);
- the channel shuffle is one ``Gather`` on the channel axis with constant indices, instead of a
  reshape-transpose-reshape whose shapes are computed from the tensor on every run;
- where the 1x1 convolution before the shuffle is dense (the first unit of Stage2), the shuffle is folded into
  its output-channel order and disappears;
- elsewhere the shuffle moves past the depthwise convolution, whose weights are permuted instead (a depthwise
  convolution works per channel): in stride-2 units the permutation then copies a 4x smaller tensor. It cannot
  disappear there: it sits between two grouped convolutions whose groups it must mix, and a grouped
  convolution's input and output groups are contiguous channel blocks, so neither can absorb it;
- in a ShuffleNet v1 backbone with ReLU activations every unit's input is a ReLU output (or its max pool), so
  the average-pooled shortcut of a stride-2 unit is never negative: the ReLU after the concatenation is applied
  to the convolution branch alone, where the runtime fuses it into the convolution.
"""

import copy

import torch
from mmcv.cnn import ConvModule, fuse_conv_bn
from torch import Tensor, nn

from ..models.grouped_pointwise_conv import GroupedPointwiseConv2d
from ..models.shufflenet_v1 import ShuffleNetV1, ShuffleUnit
from ..models.utils import channel_shuffle


def conv_of(module: ConvModule) -> nn.Conv2d | None:
    """The convolution of ``module`` once its batch norm is folded into it; None if a norm layer remains."""
    if module.with_norm and not isinstance(module.norm, nn.Identity):
        return None
    return module.conv if type(module.conv) in (nn.Conv2d, GroupedPointwiseConv2d) else None


def shuffle_order(channels: int, groups: int) -> Tensor:
    """``order`` such that ``channel_shuffle(x, groups)[:, p] == x[:, order[p]]``."""
    return channel_shuffle(torch.arange(channels, dtype=torch.float32).reshape(1, channels, 1, 1),
                           groups).flatten().long()


def permute_output_channels(conv: nn.Conv2d, order: Tensor) -> None:
    """Reorder ``conv``'s output channels in place: output ``p`` becomes the old output ``order[p]``.

    Only for convolutions whose output channels are independent of each other's position (dense, or depthwise
    with its input permuted the same way).
    """
    conv.weight.data = conv.weight.data[order]
    conv.bias.data = conv.bias.data[order]


class ExportedShuffleUnit(nn.Module):
    """A :class:`~shufflenet_det.models.ShuffleUnit` whose batch norms are folded, with the shuffle as one
    ``Gather`` after the depthwise convolution, or folded into a dense first convolution.

    Args:
        unit: The unit, in eval mode, after ``fuse_conv_bn`` (its convolutions are taken over and changed).
        non_negative_input: Whether every input of the unit is >= 0 (then a stride-2 unit with a ReLU applies it
            to the convolution branch only).
    """

    def __init__(self, unit: ShuffleUnit, non_negative_input: bool = False) -> None:
        super().__init__()
        self.stride = unit.stride
        self.relu_branch_only = non_negative_input and unit.stride == 2 and type(unit.act) is nn.ReLU
        self.compress = conv_of(unit.compress)
        self.compress_act = unit.compress.activate if unit.compress.with_activation else nn.Identity()
        self.depthwise = conv_of(unit.depthwise)
        self.expand = conv_of(unit.expand)
        self.shortcut = unit.shortcut
        self.act = unit.act
        order = None
        if unit.groups > 1:
            order = shuffle_order(self.depthwise.in_channels, unit.shuffle_groups)
            if self.compress.groups == 1:
                permute_output_channels(self.compress, order)
                order = None
            else:
                permute_output_channels(self.depthwise, torch.argsort(order))
        self.register_buffer('shuffle_indices', order, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        out = self.depthwise(self.compress_act(self.compress(x)))
        if self.shuffle_indices is not None:
            out = out.index_select(1, self.shuffle_indices)
        out = self.expand(out)
        if self.relu_branch_only:
            return torch.cat((self.shortcut(x), self.act(out)), dim=1)
        out = out + x if self.stride == 1 else torch.cat((self.shortcut(x), out), dim=1)
        return self.act(out)


def with_exported_shuffle_units(module: nn.Module) -> nn.Module:
    """A copy of ``module`` (eval mode) whose ShuffleNet v1 units are :class:`ExportedShuffleUnit`.

    The batch norms of the ShuffleNet v1 backbones (stem and units) and of units elsewhere (a C4 detector's
    stage head) are folded into their convolutions. Units with another conv or norm layer stay as they are. The
    units of a ShuffleNet v1 backbone whose activations are all ReLU are told that their inputs are >= 0.
    ``module`` itself is not changed.
    """
    exported = copy.deepcopy(module).eval()
    non_negative_input = set()
    for backbone in [child for child in exported.modules() if isinstance(child, ShuffleNetV1)]:
        fuse_conv_bn(backbone.stem)
        units = [child for child in backbone.modules() if isinstance(child, ShuffleUnit)]
        stem_conv = backbone.stem[0]
        if (stem_conv.with_activation and stem_conv.order[-1] == 'act' and type(stem_conv.activate) is nn.ReLU
                and all(type(unit.act) is nn.ReLU for unit in units)):
            non_negative_input.update(id(unit) for unit in units)
    for name, unit in list(exported.named_modules()):
        if not isinstance(unit, ShuffleUnit):
            continue
        parts = (unit.compress, unit.depthwise, unit.expand)
        if not all(part.order[:2] == ('conv', 'norm') for part in parts):
            continue
        with torch.no_grad():
            fuse_conv_bn(unit)
            if all(conv_of(part) is not None for part in parts):
                parent_name, _, attribute = name.rpartition('.')
                exported.get_submodule(parent_name).add_module(
                    attribute, ExportedShuffleUnit(unit, id(unit) in non_negative_input))
    return exported
