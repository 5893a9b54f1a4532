"""What the sweep times: a model it knows, one model at one input (a setting), and that setting built (a case).

Each kind of case has its builder, registered by name with :func:`register_case_builder` in its own module
(``classifiers``, ``detectors``, ``peers``); :func:`shufflenet_det.benchmark.builders.build_case` picks it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .rows import ModelKind

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class SweepModel:
    """A model the sweep can time.

    Attributes:
        key: Command-line name.
        name: Display name (classifiers: the key of :mod:`shufflenet_det.core.paper_numbers`).
        kind: Classifier or detector.
        config: A detector's config: the project's config below ``configs/`` (without scale suffix) or an
            ``mmdet::`` config.
        torchvision: Whether this is one of torchvision's detectors (it keeps its own settings).
        note: Printed beside the model's rows (settings that differ from the project's detectors).
    """

    key: str
    name: str
    kind: ModelKind
    config: str | None = None
    torchvision: bool = False
    note: str | None = None

    @property
    def builder(self) -> str:
        """The key of the case builder that makes this model's cases (see :func:`register_case_builder`)."""
        return 'torchvision' if self.torchvision else self.kind.value


@dataclass(frozen=True)
class Setting:
    """One model at one input: a classifier size (height, width) or a detector scale."""

    model: SweepModel
    size: tuple[int, int] | None = None
    scale: int | None = None

    @property
    def label(self) -> str:
        """``<key> <HxW>`` or ``<key> @<scale>``."""
        where = f'{self.size[0]}x{self.size[1]}' if self.size else f'@{self.scale}'
        return f'{self.model.key} {where}'

    @property
    def input_label(self) -> str:
        """``HxW`` of a classifier's input, ``-`` for a detector (its input size is known once built)."""
        return f'{self.size[0]}x{self.size[1]}' if self.size else '-'


@dataclass
class Case:
    """One model at one input size, ready to be timed in PyTorch and exported to ONNX.

    Attributes:
        key: Command-line name of the model (``shufflenet-1x``).
        name: Display name of the model (``ShuffleNet 1x (g=3)``).
        kind: Classifier or detector.
        height: Input height given to the model (for detectors: the resized image, before padding).
        width: Input width given to the model.
        scale: Detector input scale (shorter side), None for classifiers.
        model: The PyTorch model, in eval mode.
        torch_run: One PyTorch inference on the case's input (including a detector's preprocessing).
        export_onnx: Writes the model's ONNX form into the given folder and returns its path.
        onnx_feed: ONNX Runtime input feed for the exported model.
        mult_adds: Mult-adds of one inference (conv and FC layers, as the papers count them).
        params: Parameters of the model.
        rois: RoIs the detector's box head ran on in PyTorch (None for classifiers).
        planned_rois: RoIs the detector's RPN keeps at most (None for classifiers).
        detections: Detections PyTorch returned (None for classifiers).
        notes: Remarks to print beside the case's rows (settings that differ from the paper).
    """

    key: str
    name: str
    kind: ModelKind
    height: int
    width: int
    scale: int | None
    model: 'nn.Module'
    torch_run: Callable[[], object]
    export_onnx: Callable[[Path], Path]
    onnx_feed: dict[str, np.ndarray]
    mult_adds: int
    params: int
    rois: int | None = None
    planned_rois: int | None = None
    detections: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def input_label(self) -> str:
        """``HxW`` of the input."""
        return f'{self.height}x{self.width}'


CaseBuilder = Callable[[Setting], Case]
#: Case builders by :attr:`SweepModel.builder` name.
CASE_BUILDERS: dict[str, CaseBuilder] = {}


def register_case_builder(name: str) -> Callable[[CaseBuilder], CaseBuilder]:
    """Register the decorated function as the builder of the models whose :attr:`SweepModel.builder` is ``name``."""
    def register(builder: CaseBuilder) -> CaseBuilder:
        CASE_BUILDERS[name] = builder
        return builder
    return register
