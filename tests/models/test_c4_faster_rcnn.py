"""C4FasterRCNN derives the per-RoI stage and every channel number from the backbone, and refuses contradictions."""

from pathlib import Path

import pytest
from mmdet.registry import MODELS
from mmengine.config import Config

from shufflenet_det.models.derived_channels import backbone_shape

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / 'configs/_base_/models/frcnn_c4.py'


def model_cfg(**backbone) -> dict:
    cfg = Config.fromfile(str(BASE)).model
    cfg.backbone = dict(backbone)
    cfg.roi_head.bbox_head.num_classes = 3
    return cfg


@pytest.mark.parametrize('backbone,rpn_channels,head_channels,stage', [
    (dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, )), 240, 480, 'stage4'),
    (dict(type='MobileNetV1', widen_factor=0.25, out_indices=(3, )), 128, 256, 'stage5'),
    (dict(type='MobileNetV1', widen_factor=0.25, out_indices=(2, )), 64, 128, 'stage4'),
])
def test_channels_and_per_roi_stage_follow_the_backbone(backbone, rpn_channels, head_channels, stage):
    detector = MODELS.build(model_cfg(**backbone))
    assert detector.rpn_head.in_channels == rpn_channels
    assert detector.roi_head.bbox_roi_extractor.out_channels == rpn_channels
    assert detector.roi_head.bbox_head.in_channels == head_channels
    assert detector.roi_head.shared_head.stage_name == stage
    stride = backbone_shape(backbone).strides[0]
    assert detector.rpn_head.prior_generator.strides == [(stride, stride)]
    assert detector.roi_head.bbox_roi_extractor.featmap_strides == [stride]


def test_backbone_settings_reach_the_per_roi_stage():
    detector = MODELS.build(model_cfg(type='MobileNetV1', widen_factor=0.25, out_indices=(3, ), norm_eval=True,
                                      act_cfg=dict(type='ReLU6')))
    head = detector.roi_head.shared_head
    assert head.norm_eval
    assert type(head.stage5.conv12.pointwise.activate).__name__ == 'ReLU6'


def test_a_contradicting_channel_number_is_refused():
    cfg = model_cfg(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, ))
    cfg.rpn_head.in_channels = 480
    with pytest.raises(ValueError, match=r'rpn_head.in_channels=480 contradicts the backbone, which gives 240'):
        MODELS.build(cfg)


def test_a_given_shared_head_is_refused():
    cfg = model_cfg(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, ))
    cfg.roi_head.shared_head = dict(type='BackboneStageHead', backbone=cfg.backbone)
    with pytest.raises(ValueError, match='builds roi_head.shared_head from the backbone config; remove it'):
        MODELS.build(cfg)


@pytest.mark.parametrize('out_indices,message', [((1, 2), 'needs one backbone output'),
                                                 ((2, ), 'leaves no backbone stage to run per RoI')])
def test_backbone_outputs_that_leave_no_c4_layout_are_refused(out_indices, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(model_cfg(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=out_indices))
