"""The models the sweep knows, the paper's input grid, and one model at one input ready to be timed (a case)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..project_configs import MMDET_R50_C4, SCALES
from .rows import ModelKind

if TYPE_CHECKING:
    from torch import nn

#: The paper's Table 8 inputs (height x width).
TABLE8_SIZES = ((224, 224), (480, 640), (720, 1280))
#: Detector input scales (shorter side) of the paper's Table 7.
DETECTOR_SCALES = SCALES


@dataclass(frozen=True)
class SweepModel:
    """A model the sweep can time.

    Attributes:
        key: Command-line name.
        name: Display name (classifiers: the key of :mod:`shufflenet_det.reference`).
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


CLASSIFIER, DETECTOR = ModelKind.CLASSIFIER, ModelKind.DETECTOR
MODELS = (
    SweepModel('shufflenet-0.5x', 'ShuffleNet 0.5x (g=3)', CLASSIFIER),
    SweepModel('shufflenet-1x', 'ShuffleNet 1x (g=3)', CLASSIFIER),
    SweepModel('shufflenet-2x', 'ShuffleNet 2x (g=3)', CLASSIFIER),
    SweepModel('mobilenet-1.0', 'MobileNet v1 1.0', CLASSIFIER),
    SweepModel('alexnet', 'AlexNet', CLASSIFIER),
    SweepModel('googlenet', 'GoogLeNet', CLASSIFIER),
    SweepModel('resnet-50', 'ResNet-50', CLASSIFIER),
    SweepModel('vgg-16', 'VGG-16', CLASSIFIER),
    SweepModel('frcnn-shufflenet-2x', 'Faster R-CNN ShuffleNet 2x (g=3)', DETECTOR, 'frcnn_shufflenet_2x'),
    SweepModel('frcnn-shufflenet-1x', 'Faster R-CNN ShuffleNet 1x (g=3)', DETECTOR, 'frcnn_shufflenet_1x'),
    SweepModel('frcnn-mobilenet-1.0', 'Faster R-CNN MobileNet v1 1.0', DETECTOR, 'frcnn_mobilenet_v1'),
    SweepModel('frcnn-lh-shufflenet-2x', 'Light-head R-CNN ShuffleNet 2x (g=3)', DETECTOR,
               'lighthead/frcnn_lh_shufflenet_2x'),
    SweepModel('frcnn-lh-shufflenet-1x', 'Light-head R-CNN ShuffleNet 1x (g=3)', DETECTOR,
               'lighthead/frcnn_lh_shufflenet_1x'),
    SweepModel('frcnn-lh-mobilenet-1.0', 'Light-head R-CNN MobileNet v1 1.0', DETECTOR,
               'lighthead/frcnn_lh_mobilenet_v1'),
    SweepModel('tv-frcnn-mnv3-320-fpn', 'torchvision Faster R-CNN MobileNetV3-L 320 FPN', DETECTOR, torchvision=True),
    SweepModel('tv-frcnn-mnv3-fpn', 'torchvision Faster R-CNN MobileNetV3-L FPN', DETECTOR, torchvision=True),
    SweepModel('mmdet-frcnn-r50-c4', 'MMDetection Faster R-CNN R50-C4', DETECTOR, MMDET_R50_C4,
               note='MMDetection defaults: 1000 proposals per image, ResNet-50 stage 4 per RoI'),
)
MODELS_BY_KEY = {model.key: model for model in MODELS}


def find_models(keys: list[str]) -> list[SweepModel]:
    """The models of ``keys``, in the given order.

    Raises:
        ValueError: Naming the unknown keys and listing the known ones.
    """
    unknown = [key for key in keys if key not in MODELS_BY_KEY]
    if unknown:
        raise ValueError(f'unknown model(s) {", ".join(unknown)}; choose from {", ".join(MODELS_BY_KEY)}')
    return [MODELS_BY_KEY[key] for key in keys]


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


def plan(models: list[SweepModel], sizes: list[tuple[int, int]], scales: list[int]) -> list[Setting]:
    """Every classifier at every size and every detector at every scale, in the order given."""
    settings = []
    for model in models:
        if model.kind == CLASSIFIER:
            settings += [Setting(model, size=size) for size in sizes]
        else:
            settings += [Setting(model, scale=scale) for scale in scales]
    return settings


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


def build_case(setting: Setting) -> Case:
    """Build the model of ``setting`` with random weights and its input (see the ``*_case`` builders)."""
    model = setting.model
    if model.kind == CLASSIFIER:
        from .classifiers import classifier_case

        return classifier_case(model.key, model.name, *setting.size)
    if model.torchvision:
        from .peers import peer_case

        return peer_case(model.key, model.name, setting.scale)
    from .detectors import detector_case

    case = detector_case(model.key, model.name, model.config, setting.scale)
    case.notes += [model.note] if model.note else []
    return case
