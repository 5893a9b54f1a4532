"""What the exportable two-stage layouts share: the layout checks' error and helper, preprocessing, RPN proposals
and per-class NMS, re-expressed with traceable ops that export to standard ONNX.

MMDetection's inference path uses mmcv's RoIAlign and nms, which export only as custom ops, and Python-side
bookkeeping that tracing cannot follow. The exportable graphs run a trained detector's modules unchanged and
redo the glue around them with torchvision and plain tensor ops, following MMDetection's rules step by step so
that the detections are the same.
"""

import torch
from mmdet.models.detectors import TwoStageDetector
from mmdet.models.task_modules.coders import DeltaXYWHBBoxCoder
from torch import Tensor, nn
from torch.onnx.operators import shape_as_tensor

from .box_ops import anchors_at, decode_deltas
from .nms_onnx import MASKED_SCORE, suppress, suppress_per_class


class UnsupportedDetectorError(ValueError):
    """The detector uses a component that the exporter cannot express with standard ONNX operators."""


def require(condition: bool, component: str, found: str, supported: str) -> None:
    """Raise :class:`UnsupportedDetectorError` naming ``component``, what was ``found`` and what is ``supported``
    unless ``condition`` holds."""
    if not condition:
        raise UnsupportedDetectorError(
            f'cannot export {component} {found}: only {supported} has a standard-ONNX form here')


def check_shared_glue(detector: nn.Module) -> None:
    """Check the parts every exportable two-stage layout shares: the RPN's anchors and classifier, the box
    coders and the NMS types.

    Raises:
        UnsupportedDetectorError: Naming the first component (and its type) that has no standard-ONNX form.
    """
    require(isinstance(detector, TwoStageDetector), 'detector', type(detector).__name__,
             'a two-stage detector (FasterRCNN)')
    rpn, bbox_head = detector.rpn_head, detector.roi_head.bbox_head
    require(rpn.use_sigmoid_cls, 'RPN classifier', 'with softmax', 'the sigmoid RPN classifier')
    require(len(rpn.prior_generator.strides) == 1, 'anchor generator',
             f'with {len(rpn.prior_generator.strides)} levels', 'a single feature level')
    require(not bbox_head.reg_class_agnostic and not bbox_head.custom_cls_channels, 'box head',
             'with class-agnostic regression or custom classifier', 'per-class regression with softmax')
    for name, coder in (('RPN', rpn.bbox_coder), ('box head', bbox_head.bbox_coder)):
        require(isinstance(coder, DeltaXYWHBBoxCoder) and not coder.add_ctr_clamp and coder.clip_border,
                 f'{name} box coder', type(coder).__name__, 'DeltaXYWHBBoxCoder with border clipping')
    rpn_cfg, rcnn_cfg = detector.test_cfg.rpn, detector.test_cfg.rcnn
    for name, cfg in (('RPN', rpn_cfg), ('RCNN', rcnn_cfg)):
        require(cfg.nms.get('type', 'nms') == 'nms', f'{name} NMS', cfg.nms.get('type'), 'plain nms')


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
        # Mean and std as one inference-mode batch norm (variance 1, scale 1 / std): one pass over the image.
        self.register_buffer('inverse_std', 1 / self.std.flatten(), persistent=False)
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
        if self.channel_order.tolist() != [0, 1, 2]:
            image = image[:, self.channel_order]
        image = nn.functional.batch_norm(image, self.mean.flatten(), torch.ones_like(self.inverse_std),
                                         self.inverse_std, torch.zeros_like(self.inverse_std), eps=0.0)
        if self.pad_divisor <= 1:
            return image
        size = shape_as_tensor(image)[2:]
        pad = (self.pad_divisor - size % self.pad_divisor) % self.pad_divisor
        return nn.functional.pad(image, (0, pad[1], 0, pad[0]), value=self.pad_value)

    def propose(self, hidden: Tensor, limits: Tensor) -> Tensor:
        """RPN proposals (K, 4) from the RPN's hidden features, as ``RPNHead.predict_by_feat``: top
        ``nms_pre``, decode, filter, NMS, top K.

        Only the ``nms_pre`` top anchors are built and decoded; boxes too small for ``min_bbox_size`` are masked
        out of the NMS rather than removed, and the NMS stops once it has kept ``max_per_img`` boxes.
        """
        scores = self.rpn_cls(hidden)[0].permute(1, 2, 0).reshape(-1).sigmoid()
        deltas = self.rpn_reg(hidden)[0].permute(1, 2, 0).reshape(-1, 4)
        scores, order = scores.topk(_at_most(self.rpn_cfg.nms_pre, scores))
        anchors = anchors_at(order, self.base_anchors, self.anchor_stride, hidden)
        boxes = decode_deltas(anchors, deltas[order], self.rpn_coder.means, self.rpn_coder.stds, limits)
        min_size = self.rpn_cfg.get('min_bbox_size', -1)
        if min_size >= 0:
            sizes = boxes[:, 2:] - boxes[:, :2]
            scores = torch.where((sizes > min_size).all(dim=1), scores, MASKED_SCORE)
        keep = suppress(boxes, scores, self.rpn_cfg.nms.iou_threshold, int(self.rpn_cfg.max_per_img))
        return boxes[keep]

    def classify_and_suppress(self, proposals: Tensor, head_features: Tensor,
                              limits: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Box classifier and regressor on per-RoI features, then per-class NMS, as
        ``StandardRoIHead.predict_bbox``.

        Only the (proposal, class) pairs above the score threshold are decoded, and one NMS node suppresses
        every class on its own and stops at ``max_per_img`` detections.
        """
        class_scores = self.fc_cls(head_features).softmax(-1)[:, :-1]
        num_classes = class_scores.shape[1]
        # One candidate per (proposal, class), flattened proposal-major as in mmdet's multiclass_nms.
        candidates = torch.nonzero(class_scores.flatten() > self.rcnn_cfg.score_thr).squeeze(1)
        scores = class_scores.flatten()[candidates]
        labels = candidates % num_classes
        deltas = self.fc_reg(head_features).reshape(-1, 4)[candidates]
        boxes = decode_deltas(proposals[candidates // num_classes], deltas, self.box_coder.means,
                              self.box_coder.stds, limits)
        keep = suppress_per_class(boxes, scores, labels, self.rcnn_cfg.nms.iou_threshold,
                                  int(self.rcnn_cfg.max_per_img))
        return boxes[keep], scores[keep], labels[keep]


def _at_most(limit: int, values: Tensor) -> Tensor | int:
    """``min(limit, len(values))`` for a 1-D tensor, kept dynamic in ONNX while tracing."""
    if not torch.jit.is_tracing():
        return min(limit, values.shape[0])
    # Counted from the values: the exporter would record values.shape[0] as the example input's length.
    length = (values * 0 + 1).sum().long()
    return torch.minimum(length, torch.tensor(limit))
