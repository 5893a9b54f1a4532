"""Plumbing shared by the backbones: a stem, named stages, MMDetection's output and freezing options."""

from collections.abc import Sequence
from typing import NamedTuple

import torch
from mmengine.model import BaseModule
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


class Stage(NamedTuple):
    """One stage of a backbone: its attribute name, module, output channels and total stride."""

    name: str
    module: nn.Module
    channels: int
    stride: int


class StagedBackbone(BaseModule):
    """A stem followed by named stages, with MMDetection's backbone options.

    Subclasses build the stem and stages and hand them over; stages after the last of ``out_indices`` are
    dropped. This class validates and applies
    ``out_indices``, ``frozen_stages`` and ``norm_eval``, and exposes ``out_channels`` and ``strides`` for the
    requested outputs so configs and tests derive channel numbers instead of repeating them.

    Args:
        stem: Module applied to the image before the first stage.
        stages: The stages in order. Stage ``i`` is ``out_indices`` index ``i``.
        out_indices: Indices of the stages whose outputs ``forward`` returns.
        frozen_stages: -1 freezes nothing, 0 the stem, k the stem and the first k stages (parameters and
            normalisation statistics).
        norm_eval: Keep every normalisation layer in eval mode during training.
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, stem: nn.Module, stages: Sequence[Stage], out_indices: Sequence[int],
                 frozen_stages: int, norm_eval: bool, init_cfg: dict | list[dict] | None) -> None:
        super().__init__(init_cfg)
        num_stages = len(stages)
        out_indices = tuple(out_indices)
        for index in out_indices:
            if not 0 <= index < num_stages:
                raise ValueError(f'out_indices contains {index}; valid indices are 0..{num_stages - 1} '
                                 f'({", ".join(stage.name for stage in stages)})')
        if len(out_indices) == 0 or list(out_indices) != sorted(set(out_indices)):
            raise ValueError(f'out_indices={out_indices} must be non-empty, increasing and without repeats')
        if not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'frozen_stages={frozen_stages} is out of range: use -1 (nothing), 0 (stem) '
                             f'up to {num_stages} (stem and all stages)')
        self.stem = stem
        # Stages after the last output are not kept: their parameters would never get a gradient (which
        # distributed training rejects), and in a C4 detector the last stage lives in the RoI head instead.
        for stage in stages[:out_indices[-1] + 1]:
            self.add_module(stage.name, stage.module)
        self.stage_names = tuple(stage.name for stage in stages)
        self.stage_channels = tuple(stage.channels for stage in stages)
        self.stage_strides = tuple(stage.stride for stage in stages)
        self.out_indices = out_indices
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._freeze()

    @property
    def out_channels(self) -> tuple[int, ...]:
        """Channels of each output, in ``out_indices`` order."""
        return tuple(self.stage_channels[i] for i in self.out_indices)

    @property
    def strides(self) -> tuple[int, ...]:
        """Total stride of each output, in ``out_indices`` order."""
        return tuple(self.stage_strides[i] for i in self.out_indices)

    def _frozen_modules(self) -> list[nn.Module]:
        if self.frozen_stages < 0:
            return []
        kept = self.stage_names[:self.out_indices[-1] + 1]
        return [self.stem] + [getattr(self, name) for name in kept[:self.frozen_stages]]

    def _freeze(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'StagedBackbone':
        """Switch to train mode while keeping frozen stages and (with ``norm_eval``) all norms in eval."""
        super().train(mode)
        self._freeze()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Return the outputs of the stages in ``out_indices``."""
        x = self.stem(x)
        outs = []
        last = self.out_indices[-1]
        for index, name in enumerate(self.stage_names[:last + 1]):
            x = getattr(self, name)(x)
            if index in self.out_indices:
                outs.append(x)
        return tuple(outs)
