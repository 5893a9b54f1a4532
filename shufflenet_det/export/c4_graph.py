"""A C4 Faster R-CNN from MMDetection re-expressed with ops that export to standard ONNX.

:class:`ExportableC4FasterRCNN` runs the trained modules of an MMDetection ``FasterRCNN`` in the C4 layout
(backbone, RPN convolutions, shared head, box layers) unchanged and redoes the glue around them with
:class:`~shufflenet_det.export.graph_base.TwoStageGraph` and one ONNX ``RoiAlign``.
"""

import torch
from mmcv.ops import RoIAlign
from mmdet.models.dense_heads import RPNHead
from mmdet.models.detectors import TwoStageDetector
from mmdet.models.roi_heads import StandardRoIHead
from mmdet.models.roi_heads.bbox_heads import BBoxHead
from torch import Tensor, nn

from ..models import MixedPrecisionRPNHead, SeparableRoIAlign
from .box_ops import image_limits
from .graph_base import TwoStageGraph, check_shared_glue, require
from .roi_align_onnx import roi_align


def check_c4_exportable(detector: nn.Module) -> None:
    """Check that ``detector`` has the C4 layout :class:`ExportableC4FasterRCNN` reproduces.

    Raises:
        UnsupportedDetectorError: Naming the first component (and its type) that has no standard-ONNX form.
    """
    require(isinstance(detector, TwoStageDetector), 'detector', type(detector).__name__,
             'a two-stage detector (FasterRCNN)')
    require(not detector.with_neck, 'neck', type(getattr(detector, 'neck', None)).__name__,
             'the C4 layout without a neck')
    rpn, roi_head = detector.rpn_head, detector.roi_head
    require(type(rpn) in (RPNHead, MixedPrecisionRPNHead) and rpn.num_convs == 1, 'RPN head',
             type(rpn).__name__, "mmdet's RPNHead (or MixedPrecisionRPNHead) with one conv")
    require(type(roi_head) is StandardRoIHead and roi_head.with_shared_head, 'RoI head',
             type(roi_head).__name__, 'StandardRoIHead with a shared head')
    roi_layer = roi_head.bbox_roi_extractor.roi_layers[0]
    require(isinstance(roi_layer, (RoIAlign, SeparableRoIAlign)) and roi_layer.pool_mode == 'avg',
             'RoI layer', type(roi_layer).__name__, 'RoIAlign or SeparableRoIAlign (average pooling)')
    bbox_head = roi_head.bbox_head
    require(type(bbox_head) is BBoxHead and bbox_head.with_avg_pool, 'box head',
             type(bbox_head).__name__, "mmdet's BBoxHead with average pooling")
    check_shared_glue(detector)


class ExportableC4FasterRCNN(TwoStageGraph):
    """Single-image inference of a C4 Faster R-CNN with traceable, standard-ONNX ops.

    Input: one image of shape (1, 3, H, W), RGB, pixel values 0..255, already resized to the model's scale (any
    H and W). Output: ``boxes`` (N, 4) as x1, y1, x2, y2 in input pixels, ``scores`` (N,) and ``labels`` (N,),
    at most ``test_cfg.rcnn.max_per_img`` detections sorted by score.

    Args:
        detector: A trained MMDetection ``FasterRCNN`` in the C4 layout, in eval mode.

    Raises:
        UnsupportedDetectorError: If ``detector`` has a component without a standard-ONNX form here.
    """

    def __init__(self, detector: TwoStageDetector) -> None:
        check_c4_exportable(detector)
        super().__init__(detector)
        self.backbone = detector.backbone
        self.rpn_conv = detector.rpn_head.rpn_conv
        roi_head = detector.roi_head
        roi_layer = roi_head.bbox_roi_extractor.roi_layers[0]
        self.roi_output_size = roi_layer.output_size
        self.roi_spatial_scale = float(roi_layer.spatial_scale)
        self.roi_sampling_ratio = int(roi_layer.sampling_ratio)
        self.roi_aligned = bool(roi_layer.aligned)
        self.shared_head = roi_head.shared_head
        self.box_pool = roi_head.bbox_head.avg_pool

    def forward(self, image: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Detect objects in one RGB image tensor of shape (1, 3, H, W) with values 0..255."""
        limits = image_limits(image)
        features = self.backbone(self.normalise_and_pad(image))[-1]
        proposals = self.propose(nn.functional.relu(self.rpn_conv(features)), limits)
        return self.detect(features, proposals, limits)

    def detect(self, features: Tensor, proposals: Tensor, limits: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Per-RoI stage on the proposals, then the box layers and per-class NMS."""
        batch_indices = torch.zeros_like(proposals[:, 0], dtype=torch.int64)
        roi_features = roi_align(features, proposals, batch_indices, self.roi_output_size, self.roi_spatial_scale,
                                 self.roi_sampling_ratio, self.roi_aligned)
        head_features = self.box_pool(self.shared_head(roi_features)).flatten(1)
        return self.classify_and_suppress(proposals, head_features, limits)
