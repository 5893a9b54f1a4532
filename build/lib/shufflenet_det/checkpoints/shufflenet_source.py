"""ShuffleNet v1 sources: reorder every unit's channels so our paper-order shuffle reproduces the source's."""

from abc import abstractmethod

import torch

from ..models import ClassificationNet
from .shuffle_alignment import (
    UnitAlignment,
    align_unit,
    reorder_group_conv_inputs,
    reorder_output_channels,
    shuffle_order,
)
from .source import Architecture, CheckpointSource


class ShuffleNetSource(CheckpointSource):
    """A source of ShuffleNet v1 weights whose units may shuffle elsewhere or in another order than ours."""

    @abstractmethod
    def source_shuffle(self, channels: int, groups: int) -> torch.Tensor:
        """The source's shuffle of a unit's ``channels`` bottleneck channels, as an order (see
        :mod:`~shufflenet_det.checkpoints.shuffle_alignment`); where it sits (before or after the depthwise
        conv) does not matter."""

    def align(self, state_dict: dict[str, torch.Tensor],
              architecture: Architecture) -> tuple[dict[str, torch.Tensor], dict]:
        """Reorder the channels for our paper-order shuffle, or for ``inverse_shuffle`` where that is impossible.

        The paper's order fits every published network except Megvii's g=8 at 0.5x, 1x and 1.5x, whose groups
        of the ``expand`` conv read channel sets no reordering within groups can give.
        """
        for backbone in (architecture.backbone, {**architecture.backbone, 'inverse_shuffle': True}):
            aligned = self._align_units(state_dict, backbone)
            if aligned is not None:
                return aligned, backbone
        raise ValueError(f'{self.title} {architecture.title}: no channel order of our backbone reproduces '
                         f'the source shuffle')

    def _align_units(self, state_dict: dict[str, torch.Tensor], backbone: dict) -> dict[str, torch.Tensor] | None:
        with torch.device('meta'):
            trunk = ClassificationNet(backbone).backbone
        aligned = dict(state_dict)
        for stage_name in trunk.stage_names:
            for index, unit in enumerate(getattr(trunk, stage_name)):
                if unit.groups == 1:
                    continue
                channels = unit.depthwise.conv.in_channels
                alignment = align_unit(shuffle_order(channels, unit.shuffle_groups),
                                       self.source_shuffle(channels, unit.groups),
                                       compress_groups=unit.compress.conv.groups, expand_groups=unit.groups)
                if alignment is None:
                    return None
                _apply(aligned, f'backbone.{stage_name}.{index}', alignment, unit.groups)
        return aligned


def _apply(state_dict: dict[str, torch.Tensor], prefix: str, alignment: UnitAlignment, groups: int) -> None:
    for part, order in (('compress', alignment.compress), ('depthwise', alignment.depthwise)):
        part_prefix = f'{prefix}.{part}.'
        tensors = {key: value for key, value in state_dict.items() if key.startswith(part_prefix)}
        state_dict.update(reorder_output_channels(tensors, order))
    expand = f'{prefix}.expand.conv.weight'
    state_dict[expand] = reorder_group_conv_inputs(state_dict[expand], alignment.expand_input, groups)
