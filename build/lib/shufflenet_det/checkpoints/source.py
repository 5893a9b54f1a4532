"""What every checkpoint source shares: identify the architecture, rename the keys, verify the result."""

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..models import ClassificationNet
from .keys import CheckpointMismatchError, compare_layout


@dataclass(frozen=True)
class Architecture:
    """One network a source has published weights of.

    Attributes:
        name: Stem of the converted file, e.g. ``'shufflenet_v1_2x_g3_megvii'``.
        title: Human-readable name, e.g. ``'ShuffleNet v1 2x (g=3)'``.
        backbone: Config of our backbone with the same shapes.
    """

    name: str
    title: str
    backbone: dict = field(hash=False)


@dataclass
class ConvertedCheckpoint:
    """Weights converted to our :class:`~shufflenet_det.models.ClassificationNet` (``backbone.*``, ``fc.*``).

    Attributes:
        architecture: The source network.
        source: Name of the source (``'megvii'``, ``'mmpretrain'``, ``'timm'``).
        backbone: Config of our backbone that reproduces the source exactly.
        input_format: ``data_preprocessor`` settings of the source's input (colour order, mean, std).
        state_dict: The converted tensors.
    """

    architecture: Architecture
    source: str
    backbone: dict
    input_format: dict
    state_dict: dict[str, torch.Tensor]

    def save(self, path: str | Path) -> None:
        """Write ``{'meta': ..., 'state_dict': ...}``, loadable with ``torch.load(weights_only=True)``."""
        meta = dict(source=self.source, architecture=self.architecture.name, title=self.architecture.title,
                    backbone=self.backbone, data_preprocessor=self.input_format)
        torch.save(dict(meta=meta, state_dict=self.state_dict), path)


class KeyRules:
    """Rename keys by the first matching regular expression; a rule's template may be None (no such key)."""

    def __init__(self, rules: Mapping[str, str | Callable[[re.Match], str] | None]) -> None:
        self.rules = [(re.compile(pattern), template) for pattern, template in rules.items()]

    def __call__(self, key: str) -> str | None:
        for pattern, template in self.rules:
            match = pattern.fullmatch(key)
            if not match:
                continue
            if template is None:
                return None
            return match.expand(template) if isinstance(template, str) else template(match)
        raise KeyError(f'no renaming rule for {key}')


class CheckpointSource(ABC):
    """A publisher of ImageNet weights whose layout can be mapped onto our backbones.

    Subclasses give the published architectures, the source's name of each of our keys, and (where the
    networks differ in more than names) the reordering that makes our backbone compute what the source does.
    """

    #: Short name used on the command line.
    name: str
    #: Human-readable name.
    title: str
    #: ``data_preprocessor`` settings that reproduce the source's input.
    input_format: dict

    @abstractmethod
    def architectures(self) -> tuple[Architecture, ...]:
        """The networks this source has published weights of."""

    @abstractmethod
    def source_key(self, key: str) -> str | None:
        """The source's name for our ``ClassificationNet`` key ``key``, or None if the source has none."""

    def absent_tensor(self, key: str, shape: tuple[int, ...]) -> torch.Tensor:
        """The value of one of our keys the source does not have (``source_key`` gave None)."""
        raise NotImplementedError(f'{self.title} has no tensor for {key}')

    def align(self, state_dict: dict[str, torch.Tensor],
              architecture: Architecture) -> tuple[dict[str, torch.Tensor], dict]:
        """Make our backbone compute what the source computes; return the tensors and the backbone config."""
        return state_dict, architecture.backbone

    def expected_layout(self, architecture: Architecture) -> dict[str, tuple[int, ...]]:
        """Keys and shapes a checkpoint of ``architecture`` has in the source's own naming."""
        return dict(_source_layout(self, architecture))

    def identify(self, tensors: Mapping[str, torch.Tensor]) -> Architecture:
        """Return the architecture whose keys and shapes ``tensors`` has exactly.

        Raises:
            CheckpointMismatchError: Listing the differences to the closest architecture.
        """
        differences = {architecture: compare_layout(tensors, self.expected_layout(architecture))
                       for architecture in self.architectures()}
        closest = min(differences, key=lambda architecture: differences[architecture].size)
        if not differences[closest].fits:
            known = ', '.join(architecture.title for architecture in self.architectures())
            raise CheckpointMismatchError(
                f'{self.title} {closest.title}, the closest of its published networks', differences[closest],
                hint=f'{self.title} checkpoints known here: {known}. If the file comes from another publisher, '
                     f'choose its source (see tools/convert_checkpoint.py --help).')
        return closest

    def convert(self, tensors: Mapping[str, torch.Tensor]) -> ConvertedCheckpoint:
        """Identify, rename and align ``tensors``, then check they load into our ``ClassificationNet``.

        Raises:
            CheckpointMismatchError: If the tensors fit none of the source's published networks.
        """
        architecture = self.identify(tensors)
        renamed = {}
        for key, shape in classifier_layout(architecture.backbone).items():
            source_key = self.source_key(key)
            renamed[key] = tensors[source_key] if source_key is not None else self.absent_tensor(key, shape)
        state_dict, backbone = self.align(renamed, architecture)
        ClassificationNet(backbone).load_state_dict(state_dict, strict=True)
        return ConvertedCheckpoint(architecture, self.name, backbone, dict(self.input_format), state_dict)


@functools.cache
def _source_layout(source: CheckpointSource, architecture: Architecture) -> dict[str, tuple[int, ...]]:
    layout = {}
    for key, shape in classifier_layout(architecture.backbone).items():
        source_key = source.source_key(key)
        if source_key is not None:
            layout[source_key] = shape
    return layout


def classifier_layout(backbone: dict) -> dict[str, tuple[int, ...]]:
    """Keys and shapes of our ``ClassificationNet`` on ``backbone``, computed without allocating weights."""
    with torch.device('meta'):
        net = ClassificationNet(backbone)
    return {key: tuple(value.shape) for key, value in net.state_dict().items()}
