"""Backbones and heads, registered in MMDetection's ``MODELS`` registry on import."""

from .classifier import ClassificationNet
from .mobilenet_v1 import MobileNetV1
from .shufflenet_v1 import ShuffleNetV1
from .stage_head import BackboneStageHead

__all__ = ['BackboneStageHead', 'ClassificationNet', 'MobileNetV1', 'ShuffleNetV1']
