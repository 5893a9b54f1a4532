"""A C4 Faster R-CNN from MMDetection re-expressed with ops that export to standard ONNX.

MMDetection's inference path uses mmcv's RoIAlign and nms, which export only as custom ops, and Python-side
bookkeeping that tracing cannot follow. :class:`ExportableFasterRCNN` runs the trained modules of an
MMDetection ``FasterRCNN`` (backbone, RPN convolutions, shared head, box layers) unchanged and redoes the glue
around them (normalisation, padding, anchors, box decoding, NMS, RoIAlign) with torchvision and plain tensor
ops, following MMDetection's rules step by step so that the detections are the same.
"""

import torch
import torchvision
from mmdet.models.detectors import TwoStageDetector
from torch import Tensor, nn
from torch.onnx.operators import shape_as_tensor

from .box_ops import decode_deltas, grid_anchors


class UnsupportedDetectorError(ValueError):
    """The detector uses a component that the exporter cannot express with standard ONNX operators."""


def _require(condition: bool, component: str, found: str, supported: str) -> None:
    if not condition:
        raise UnsupportedDetectorError(
            f'cannot export {component} {found}: only {supported} has a standard-ONNX form here')


def check_shared_glue(detector: nn.Module) -> None:
    """Check the parts every exportable two-stage layout shares: the RPN's anchors and classifier, the box
    coders and the NMS types.

    Raises:
        UnsupportedDetectorError: Naming the first component (and its type) that has no standard-ONNX form.
    """
    _require(isinstance(detector, TwoStageDetector), 'detector', type(detector).__name__,
             'a two-stage detector (FasterRCNN)')
    rpn, bbox_head = detector.rpn_head, detector.roi_head.bbox_head
    _require(rpn.use_sigmoid_cls, 'RPN classifier', 'with softmax', 'the sigmoid RPN classifier')
    _require(len(rpn.prior_generator.strides) == 1, 'anchor generator',
             f'with {len(rpn.prior_generator.strides)} levels', 'a single feature level')
    _require(not bbox_head.reg_class_agnostic and not bbox_head.custom_cls_channels, 'box head',
             'with class-agnostic regression or custom classifier', 'per-class regression with softmax')
    for name, coder in (('RPN', rpn.bbox_coder), ('box head', bbox_head.bbox_coder)):
        _require(type(coder).__name__ == 'DeltaXYWHBBoxCoder' and not coder.add_ctr_clamp and coder.clip_border,
                 f'{name} box coder', type(coder).__name__, 'DeltaXYWHBBoxCoder with border clipping')
    rpn_cfg, rcnn_cfg = detector.test_cfg.rpn, detector.test_cfg.rcnn
    for name, cfg in (('RPN', rpn_cfg), ('RCNN', rcnn_cfg)):
        _require(cfg.nms.get('type', 'nms') == 'nms', f'{name} NMS', cfg.nms.get('type'), 'plain nms')


def check_exportable(detector: nn.Module) -> None:
    """Check that ``detector`` has the C4 layout :class:`ExportableFasterRCNN` reproduces.

    Raises:
        UnsupportedDetectorError: Naming the first component (and its type) that has no standard-ONNX form.
    """
    _require(isinstance(detector, TwoStageDetector), 'detector', type(detector).__name__,
             'a two-stage detector (FasterRCNN)')
    _require(not detector.with_neck, 'neck', type(getattr(detector, 'neck', None)).__name__,
             'the C4 layout without a neck')
    rpn, roi_head = detector.rpn_head, detector.roi_head
    _require(type(rpn).__name__ in ('RPNHead', 'MixedPrecisionRPNHead') and rpn.num_convs == 1, 'RPN head',
             type(rpn).__name__, "mmdet's RPNHead (or MixedPrecisionRPNHead) with one conv")
    _require(type(roi_head).__name__ == 'StandardRoIHead' and roi_head.with_shared_head, 'RoI head',
             type(roi_head).__name__, 'StandardRoIHead with a shared head')
    roi_layer = roi_head.bbox_roi_extractor.roi_layers[0]
    _require(type(roi_layer).__name__ in ('RoIAlign', 'SeparableRoIAlign') and roi_layer.pool_mode == 'avg',
             'RoI layer', type(roi_layer).__name__, 'RoIAlign or SeparableRoIAlign (average pooling)')
    bbox_head = roi_head.bbox_head
    _require(type(bbox_head).__name__ == 'BBoxHead' and bbox_head.with_avg_pool, 'box head',
             type(bbox_head).__name__, "mmdet's BBoxHead with average pooling")
    check_shared_glue(detector)


class TwoStageGraph(nn.Module):
    """What the exportable two-stage layouts share: preprocessing, RPN proposals and per-class NMS.

    Subclasses hold the layout's own modules and call :meth:`normalise_and_pad`, :meth:`propose` (from the
    RPN's hidden features) and :meth:`classify_and_suppress` (from the per-RoI features before the box head's
    classifier and regressor).

    Args:
        detector: A trained MMDetection two-stage detector, in eval mode, that passed its layout's check.
    """

    def __init__(self, detector: TwoStageDetector) -> None:
        super().__init__()
        preprocessor = detector.data_preprocessor
        # MMDetection loads BGR; ``bgr_to_rgb`` models consume RGB, the others BGR.
        channel_order = [0, 1, 2] if preprocessor._channel_conversion else [2, 1, 0]
        self.register_buffer('channel_order', torch.tensor(channel_order), persistent=False)
        self.register_buffer('mean', preprocessor.mean.clone(), persistent=False)
        self.register_buffer('std', preprocessor.std.clone(), persistent=False)
        self.pad_divisor = preprocessor.pad_size_divisor
        self.pad_value = float(preprocessor.pad_value)

        rpn = detector.rpn_head
        self.rpn_cls, self.rpn_reg = rpn.rpn_cls, rpn.rpn_reg
        self.register_buffer('base_anchors', rpn.prior_generator.base_anchors[0].clone(), persistent=False)
        self.anchor_stride = int(rpn.prior_generator.strides[0][0])
        self.rpn_coder = rpn.bbox_coder

        bbox_head = detector.roi_head.bbox_head
        self.fc_cls, self.fc_reg = bbox_head.fc_cls, bbox_head.fc_reg
        self.box_coder = bbox_head.bbox_coder

        self.rpn_cfg = detector.test_cfg.rpn
        self.rcnn_cfg = detector.test_cfg.rcnn

    def normalise_and_pad(self, image: Tensor) -> Tensor:
        """Reorder channels, normalise, and pad bottom/right to the size divisor, as the data preprocessor."""
        image = (image[:, self.channel_order] - self.mean) / self.std
        if self.pad_divisor <= 1:
            return image
        size = shape_as_tensor(image)[2:]
        pad = (self.pad_divisor - size % self.pad_divisor) % self.pad_divisor
        return nn.functional.pad(image, (0, pad[1], 0, pad[0]), value=self.pad_value)

    def propose(self, hidden: Tensor, height: Tensor, width: Tensor) -> Tensor:
        """RPN proposals (K, 4) from the RPN's hidden features, as ``RPNHead.predict_by_feat``: top
        ``nms_pre``, decode, filter, NMS, top K."""
        scores = self.rpn_cls(hidden)[0].permute(1, 2, 0).reshape(-1).sigmoid()
        deltas = self.rpn_reg(hidden)[0].permute(1, 2, 0).reshape(-1, 4)
        anchors = grid_anchors(self.base_anchors, hidden, self.anchor_stride)
        scores, order = scores.topk(_at_most(self.rpn_cfg.nms_pre, scores))
        boxes = decode_deltas(anchors[order], deltas[order], self.rpn_coder.means, self.rpn_coder.stds,
                              height, width)
        min_size = self.rpn_cfg.get('min_bbox_size', -1)
        if min_size >= 0:
            keep = ((boxes[:, 2] - boxes[:, 0]) > min_size) & ((boxes[:, 3] - boxes[:, 1]) > min_size)
            boxes, scores = boxes[keep], scores[keep]
        keep = torchvision.ops.nms(boxes, scores, self.rpn_cfg.nms.iou_threshold)[:self.rpn_cfg.max_per_img]
        return boxes[keep]

    def classify_and_suppress(self, proposals: Tensor, head_features: Tensor, height: Tensor,
                              width: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Box classifier and regressor on per-RoI features, then per-class NMS, as
        ``StandardRoIHead.predict_bbox``."""
        class_scores = self.fc_cls(head_features).softmax(-1)[:, :-1]
        boxes = decode_deltas(proposals, self.fc_reg(head_features), self.box_coder.means, self.box_coder.stds,
                              height, width)
        # One candidate per (proposal, class), flattened proposal-major as in mmdet's multiclass_nms.
        candidates = torch.nonzero(class_scores.flatten() > self.rcnn_cfg.score_thr).squeeze(1)
        boxes = boxes.reshape(-1, 4)[candidates]
        scores = class_scores.flatten()[candidates]
        labels = candidates % class_scores.shape[1]
        keep = _batched_nms(boxes, scores, labels, self.rcnn_cfg.nms.iou_threshold)[:self.rcnn_cfg.max_per_img]
        return boxes[keep], scores[keep], labels[keep]


class ExportableFasterRCNN(TwoStageGraph):
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
        check_exportable(detector)
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
        image_size = shape_as_tensor(image)
        height, width = image_size[2], image_size[3]
        features = self.backbone(self.normalise_and_pad(image))[-1]
        proposals = self.propose(nn.functional.relu(self.rpn_conv(features)), height, width)
        return self.detect(features, proposals, height, width)

    def detect(self, features: Tensor, proposals: Tensor, height: Tensor,
               width: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Per-RoI stage on the proposals, then the box layers and per-class NMS."""
        rois = torch.cat([proposals[:, :1] * 0, proposals], dim=1)  # batch index 0
        roi_features = torchvision.ops.roi_align(
            features, rois, self.roi_output_size, spatial_scale=self.roi_spatial_scale,
            sampling_ratio=self.roi_sampling_ratio, aligned=self.roi_aligned)
        head_features = self.box_pool(self.shared_head(roi_features)).flatten(1)
        return self.classify_and_suppress(proposals, head_features, height, width)


def _at_most(limit: int, values: Tensor) -> Tensor | int:
    """``min(limit, len(values))`` for a 1-D tensor, kept dynamic in ONNX while tracing."""
    if not torch.jit.is_tracing():
        return min(limit, values.shape[0])
    # Counted from the values: the exporter would record values.shape[0] as the example input's length.
    length = (values * 0 + 1).sum().long()
    return torch.minimum(length, torch.tensor(limit))


def _batched_nms(boxes: Tensor, scores: Tensor, labels: Tensor, iou_threshold: float) -> Tensor:
    """Class-aware NMS by offsetting each class's boxes apart, as mmcv's ``batched_nms`` does for few boxes."""
    largest_coordinate = torch.cat([boxes.reshape(-1), boxes.new_zeros(1)]).max()  # 0 when there are no boxes
    offsets = labels.to(boxes.dtype) * (largest_coordinate + 1)
    return torchvision.ops.nms(boxes + offsets[:, None], scores, iou_threshold)
