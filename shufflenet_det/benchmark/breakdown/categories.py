"""Where inference time goes: the operation categories and model parts both runtimes' breakdowns use.

A PyTorch module path (``backbone.stage2.0.compress.conv``) and an ONNX node scope
(``/backbone/stage2/stage2.0/compress/conv/Conv``) name the same place, so one set of rules sorts both.
"""

import re

from ..rows import ModelKind

CONV_1X1_GROUP = '1x1 group conv'
CONV_1X1_DENSE = '1x1 dense conv'
CONV_DEPTHWISE = 'depthwise conv'
CONV_OTHER = 'other conv (3x3 dense, ...)'
FULLY_CONNECTED = 'fully connected'
BATCH_NORM = 'batch norm (unfused)'
ACTIVATION = 'activation'
POOLING = 'pooling'
CHANNEL_SHUFFLE = 'channel shuffle'
ROI_ALIGN = 'RoIAlign'
NMS = 'NMS'
LAYOUT_REORDER = 'layout reorder (ONNX Runtime)'
OTHER = 'other (add, concat, box decoding, glue)'
RUNTIME_OVERHEAD = 'runtime overhead between ops'

#: Operation categories in report order.
OP_CATEGORIES = (CONV_1X1_GROUP, CONV_1X1_DENSE, CONV_DEPTHWISE, CONV_OTHER, FULLY_CONNECTED, BATCH_NORM,
                 ACTIVATION, POOLING, CHANNEL_SHUFFLE, ROI_ALIGN, NMS, LAYOUT_REORDER, OTHER, RUNTIME_OVERHEAD)

PART_BACKBONE = 'backbone'
PART_NECK = 'neck (context enhancement)'
PART_RPN = 'RPN'
PART_ATTENTION = 'spatial attention'
PART_ROI_ALIGN = 'RoIAlign'
PART_ROI_HEAD = 'RoI head (per-RoI stage, box layers)'
PART_GLUE = 'pre/post-processing, glue'
PART_OVERHEAD = 'runtime overhead between ops'

#: Detector parts by the first component of a module path or node scope (the project's detectors, their
#: exportable form, and torchvision's detectors).
DETECTOR_PARTS = {
    'backbone': PART_BACKBONE, 'neck': PART_NECK, 'attention': PART_ATTENTION,
    'rpn_head': PART_RPN, 'rpn_conv': PART_RPN, 'rpn_cls': PART_RPN, 'rpn_reg': PART_RPN, 'rpn': PART_RPN,
    'roi_head': PART_ROI_HEAD, 'roi_heads': PART_ROI_HEAD, 'shared_head': PART_ROI_HEAD, 'box_pool': PART_ROI_HEAD,
    'fc_cls': PART_ROI_HEAD, 'fc_reg': PART_ROI_HEAD, 'shared_fcs': PART_ROI_HEAD,
}
#: Parts of detectors in report order.
DETECTOR_PART_ORDER = (PART_BACKBONE, PART_NECK, PART_RPN, PART_ATTENTION, PART_ROI_ALIGN, PART_ROI_HEAD, PART_GLUE,
                       PART_OVERHEAD)

#: A ShuffleNet unit's scope (``stage3.4``): the only place its reshapes and transposes come from is the shuffle.
UNIT_SCOPE = re.compile(r'^stage\d+\.\d+$')


def conv_category(in_channels: int, weight_shape: tuple[int, ...]) -> str:
    """Category of a convolution from its input channels and weight shape (out, in / groups, kh, kw)."""
    channels_per_group = weight_shape[1]
    groups = max(in_channels // channels_per_group, 1)
    pointwise = all(size == 1 for size in weight_shape[2:])
    if groups > 1 and channels_per_group == 1:
        return CONV_DEPTHWISE
    if pointwise:
        return CONV_1X1_GROUP if groups > 1 else CONV_1X1_DENSE
    return CONV_OTHER


def part_of(scope: list[str], kind: ModelKind, op: str) -> str:
    """The model part a module path or node scope (split into components) belongs to.

    Classifiers are split by the backbone's stages (``stem``, ``stage2`` ...) and the top-level modules
    (``fc``, AlexNet's ``features`` ...); detectors into backbone, RPN, RoIAlign, RoI head and glue.

    Args:
        scope: Components of the module path or node scope; empty for top-level code or nodes.
        kind: Classifier or detector.
        op: The operation category (RoIAlign is its own part of a detector wherever it runs).
    """
    if kind == ModelKind.CLASSIFIER:
        if not scope:
            return PART_GLUE
        return scope[1] if scope[0] == 'backbone' and len(scope) > 1 else scope[0]
    if op == ROI_ALIGN:
        return PART_ROI_ALIGN
    # An ONNX scope names a module list's element as one component (``shared_fcs.0``).
    return DETECTOR_PARTS.get(scope[0].split('.')[0], PART_GLUE) if scope else PART_GLUE


def in_shuffle_unit(scope: list[str]) -> bool:
    """Whether a node's scope is a ShuffleNet unit itself (not one of its conv modules)."""
    return bool(scope) and UNIT_SCOPE.match(scope[-1]) is not None
