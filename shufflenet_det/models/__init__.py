"""Backbones, heads and detectors, registered in MMDetection's ``MODELS`` registry on import."""

from .c4_faster_rcnn import C4FasterRCNN
from .classifier import ClassificationNet
from .context_enhancement import ContextEnhancement
from .light_head_rcnn import LightHeadRCNN
from .light_rpn_head import LightRPNHead
from .mixed_precision_rpn_head import MixedPrecisionRPNHead
from .mobilenet_v1 import MobileNetV1
from .ps_roi_align import PSRoIAlign
from .roi_extractor import RegistryRoIExtractor
from .separable_roi_align import SeparableRoIAlign
from .shufflenet_v1 import ShuffleNetV1
from .spatial_attention import SpatialAttention
from .stage_head import BackboneStageHead

__all__ = ['BackboneStageHead', 'C4FasterRCNN', 'ClassificationNet', 'ContextEnhancement', 'LightHeadRCNN',
           'LightRPNHead', 'MixedPrecisionRPNHead', 'MobileNetV1', 'PSRoIAlign', 'RegistryRoIExtractor',
           'SeparableRoIAlign', 'ShuffleNetV1', 'SpatialAttention']
