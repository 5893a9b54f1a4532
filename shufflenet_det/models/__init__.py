"""Backbones, heads and detectors, registered in MMDetection's ``MODELS`` registry on import."""

from .c4_faster_rcnn import C4FasterRCNN
from .classifier import ClassificationNet
from .mobilenet_v1 import MobileNetV1
from .shufflenet_v1 import ShuffleNetV1
from .stage_head import BackboneStageHead

__all__ = ['BackboneStageHead', 'C4FasterRCNN', 'ClassificationNet', 'MobileNetV1', 'ShuffleNetV1']
