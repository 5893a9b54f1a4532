"""MMDetection's single-level RoI extractor with RoI layers from the ``MODELS`` registry."""

from mmdet.models.roi_heads.roi_extractors import SingleRoIExtractor
from mmdet.registry import MODELS
from torch import nn


@MODELS.register_module()
class RegistryRoIExtractor(SingleRoIExtractor):
    """``SingleRoIExtractor`` whose ``roi_layer`` type is looked up in ``MODELS`` (``PSRoIAlign``,
    ``SeparableRoIAlign``); mmdet's own extractors look RoI layer types up in ``mmcv.ops`` only.

    With ``PSRoIAlign``, ``out_channels`` is the number of output channels per bin (the pooled features'
    channels), so the input map has ``out_channels * bins`` channels.
    """

    def build_roi_layers(self, layer_cfg: dict, featmap_strides: list[int]) -> nn.ModuleList:
        """One RoI layer per feature stride, built from ``MODELS``."""
        return nn.ModuleList([MODELS.build(dict(layer_cfg, spatial_scale=1 / stride)) for stride in featmap_strides])
