"""A light-head R-CNN from MMDetection re-expressed with ops that export to standard ONNX.

:class:`ExportableLightHeadRCNN` runs the trained modules of a :class:`~shufflenet_det.models.LightHeadRCNN`
(backbone, context enhancement, the RPN's convolutions, spatial attention, box layers) unchanged and redoes
the rest with the shared glue of :class:`~shufflenet_det.export.graph_base.TwoStageGraph` and
position-sensitive RoIAlign in standard operators (:class:`StandardPSRoIAlign`).
"""

import torch
from mmdet.models.detectors import TwoStageDetector
from mmdet.models.roi_heads import StandardRoIHead
from mmdet.models.roi_heads.bbox_heads import ConvFCBBoxHead
from torch import Tensor, nn

from ..models import ContextEnhancement, LightHeadRCNN, LightRPNHead, PSRoIAlign
from .box_ops import image_limits
from .graph_base import TwoStageGraph, check_shared_glue, require
from .ps_roi_align_onnx import PS_ROI_ALIGN_SCOPE, StandardPSRoIAlign


def check_light_head_exportable(detector: nn.Module) -> None:
    """Check that ``detector`` has the light-head layout :class:`ExportableLightHeadRCNN` reproduces.

    Raises:
        UnsupportedDetectorError: Naming the first component (and its type) that has no standard-ONNX form.
    """
    require(isinstance(detector, LightHeadRCNN), 'detector', type(detector).__name__, 'LightHeadRCNN')
    require(isinstance(detector.neck, ContextEnhancement), 'neck', type(detector.neck).__name__,
             'ContextEnhancement')
    require(isinstance(detector.rpn_head, LightRPNHead), 'RPN head', type(detector.rpn_head).__name__,
             'LightRPNHead')
    roi_head = detector.roi_head
    require(type(roi_head) is StandardRoIHead and not roi_head.with_shared_head, 'RoI head',
             type(roi_head).__name__, 'StandardRoIHead without a shared head')
    roi_layer = roi_head.bbox_roi_extractor.roi_layers[0]
    require(isinstance(roi_layer, PSRoIAlign), 'RoI layer', type(roi_layer).__name__, 'PSRoIAlign')
    bbox_head = roi_head.bbox_head
    fcs_only = (isinstance(bbox_head, ConvFCBBoxHead) and bbox_head.num_shared_fcs > 0
                and not bbox_head.with_avg_pool and bbox_head.num_shared_convs == 0
                and bbox_head.num_cls_convs == bbox_head.num_cls_fcs == 0
                and bbox_head.num_reg_convs == bbox_head.num_reg_fcs == 0)
    require(fcs_only, 'box head', type(bbox_head).__name__, "mmdet's ConvFCBBoxHead with shared FCs only")
    divisor = detector.data_preprocessor.pad_size_divisor
    require(divisor % 32 == 0, 'data preprocessor', f'padding to multiples of {divisor}',
             'padding to multiples of 32 (the context enhancement upsamples the stride-32 map by exactly 2)')
    check_shared_glue(detector)


class ExportableLightHeadRCNN(TwoStageGraph):
    """Single-image inference of a light-head R-CNN with traceable, standard-ONNX ops.

    Input and outputs as :class:`~shufflenet_det.export.c4_graph.ExportableC4FasterRCNN`.

    Args:
        detector: A trained :class:`~shufflenet_det.models.LightHeadRCNN`, in eval mode.

    Raises:
        UnsupportedDetectorError: If ``detector`` has a component without a standard-ONNX form here.
    """

    def __init__(self, detector: TwoStageDetector) -> None:
        check_light_head_exportable(detector)
        super().__init__(detector)
        self.backbone = detector.backbone
        self.neck = detector.neck
        self.rpn_conv = detector.rpn_head.rpn_conv
        self.attention = detector.attention
        roi_layer = detector.roi_head.bbox_roi_extractor.roi_layers[0]
        self.add_module(PS_ROI_ALIGN_SCOPE, StandardPSRoIAlign(roi_layer.output_size, roi_layer.spatial_scale,
                                                               roi_layer.sampling_ratio))
        self.shared_fcs = detector.roi_head.bbox_head.shared_fcs

    def forward(self, image: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Detect objects in one RGB image tensor of shape (1, 3, H, W) with values 0..255."""
        limits = image_limits(image)
        context = self.neck(self.backbone(self.normalise_and_pad(image)))[0]
        hidden = self.rpn_conv(context)
        proposals = self.propose(hidden, limits)
        rois = torch.cat([proposals[:, :1] * 0, proposals], dim=1)  # batch index 0
        roi_features = getattr(self, PS_ROI_ALIGN_SCOPE)(self.attention(hidden, context), rois)
        head_features = roi_features.flatten(1)
        for fc in self.shared_fcs:
            head_features = nn.functional.relu(fc(head_features))
        return self.classify_and_suppress(proposals, head_features, limits)
