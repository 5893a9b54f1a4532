"""Faster R-CNN in the "C4" layout with every channel number and the per-RoI head derived from the backbone."""

import copy

from mmdet.models.detectors import FasterRCNN
from mmdet.registry import MODELS
from mmengine.config import ConfigDict

from .derived_channels import backbone_shape, fill_derived
from .stage_head import BackboneStageHead


@MODELS.register_module()
class C4FasterRCNN(FasterRCNN):
    """Faster R-CNN whose RPN and RoIAlign read the backbone's last output and whose per-RoI head is the next stage.

    This is the "C4" layout of MMDetection's R50-C4 and of the TF Object Detection API's MobileNet detector. The
    backbone is named once: the per-RoI head is a :class:`BackboneStageHead` built from the same backbone config
    (the stage after the last of ``out_indices``, with the same attribute name, ``init_cfg``, ``act_cfg``, norm
    and checkpointing settings, ``norm_eval`` included; it is never frozen), and the RPN ``in_channels``, the RoI
    extractor's ``out_channels`` and ``featmap_strides``, the anchor strides and the box head's ``in_channels``
    are filled from the backbone's ``out_channels`` and ``strides``. A config that gives one of these numbers
    anyway must give the derived value.

    Args:
        backbone: Backbone config (``ShuffleNetV1`` or ``MobileNetV1``, or any backbone with ``stage_names``,
            ``stage_channels``, ``out_channels`` and ``strides``) with one output, the one the RPN reads.
        rpn_head: RPN head config, without ``in_channels``.
        roi_head: RoI head config, without ``shared_head`` and channel numbers.
        train_cfg: Training config of the RPN and the RoI head.
        test_cfg: Test config of the RPN and the RoI head.
        neck: Must be None: the C4 layout has no neck.
        data_preprocessor: Data preprocessor config.
        init_cfg: MMEngine initialisation config of the whole detector.

    Raises:
        ValueError: If the backbone has more than one output or no stage after it, if the config gives a
            ``shared_head`` or a neck, or a channel number that contradicts the backbone.
    """

    def __init__(self, backbone: dict, rpn_head: dict, roi_head: dict, train_cfg: dict, test_cfg: dict,
                 neck: dict | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | list[dict] | None = None) -> None:
        if neck is not None:
            raise ValueError('C4FasterRCNN has no neck: the RPN and RoIAlign read the backbone output directly')
        shape = backbone_shape(backbone)
        if len(shape.out_indices) != 1:
            raise ValueError(f'C4FasterRCNN needs one backbone output (the RPN\'s), got out_indices='
                             f'{shape.out_indices}')
        head_index = shape.out_indices[0] + 1
        if head_index >= len(shape.stage_names):
            raise ValueError(f'out_indices={shape.out_indices} leaves no backbone stage to run per RoI; use an '
                             f'earlier stage of {shape.stage_names} for the RPN')
        rpn_head, roi_head = ConfigDict(copy.deepcopy(rpn_head)), ConfigDict(copy.deepcopy(roi_head))
        if roi_head.get('shared_head') is not None:
            raise ValueError('C4FasterRCNN builds roi_head.shared_head from the backbone config; remove it')
        channels, strides = shape.out_channels[0], list(shape.strides)
        fill_derived(rpn_head, 'in_channels', channels, 'rpn_head')
        fill_derived(rpn_head.anchor_generator, 'strides', strides, 'rpn_head.anchor_generator')
        fill_derived(roi_head.bbox_roi_extractor, 'out_channels', channels, 'roi_head.bbox_roi_extractor')
        fill_derived(roi_head.bbox_roi_extractor, 'featmap_strides', strides, 'roi_head.bbox_roi_extractor')
        fill_derived(roi_head.bbox_head, 'in_channels', shape.stage_channels[head_index], 'roi_head.bbox_head')
        roi_head.shared_head = dict(type=BackboneStageHead.__name__, backbone=backbone, stage_index=head_index,
                                    norm_eval=backbone.get('norm_eval', False))
        super().__init__(backbone=backbone, rpn_head=rpn_head, roi_head=roi_head, train_cfg=train_cfg,
                         test_cfg=test_cfg, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
