"""What the sweep times: one model at one input size, with its PyTorch call and its ONNX form."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from torch import nn


@dataclass
class Case:
    """One model at one input size, ready to be timed in PyTorch and exported to ONNX.

    Attributes:
        key: Command-line name of the model (``shufflenet-1x``).
        name: Display name of the model (``ShuffleNet 1x (g=3)``).
        kind: ``classifier`` or ``detector``.
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
        detections: Detections PyTorch returned (None for classifiers).
        notes: Remarks to print beside the row (proposal shortfalls, settings that differ from the paper).
    """

    key: str
    name: str
    kind: str
    height: int
    width: int
    scale: int | None
    model: nn.Module
    torch_run: Callable[[], object]
    export_onnx: Callable[[Path], Path]
    onnx_feed: dict[str, np.ndarray]
    mult_adds: int
    params: int
    rois: int | None = None
    detections: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def input_label(self) -> str:
        """``HxW`` of the input."""
        return f'{self.height}x{self.width}'
