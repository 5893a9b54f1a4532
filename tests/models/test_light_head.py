"""The light-head components: shapes, channel layout of PS-RoIAlign, and channels derived from the backbone."""

from pathlib import Path

import pytest
import torch
import torchvision
from mmdet.registry import MODELS
from mmdet.testing import demo_mm_inputs
from mmengine.config import Config
from torch.nn.modules.utils import _pair

from shufflenet_det.models import ContextEnhancement, LightRPNHead, PSRoIAlign, SpatialAttention

ROOT = Path(__file__).resolve().parents[2]
LIGHT_HEAD_CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs/lighthead').glob('*.py'))


def test_context_enhancement_sums_three_projections_on_the_stride_16_grid():
    cem = ContextEnhancement(in_channels=(24, 48), out_channels=20)
    fine, coarse = torch.randn(2, 24, 6, 8), torch.randn(2, 48, 3, 4)
    (out, ) = cem((fine, coarse))
    assert out.shape == (2, 20, 6, 8)
    upsampled = cem.coarse_conv(coarse).repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    expected = cem.local_conv(fine) + upsampled + cem.global_conv(coarse.mean(dim=(2, 3), keepdim=True))
    torch.testing.assert_close(out, expected)


def test_context_enhancement_needs_two_inputs():
    with pytest.raises(ValueError, match=r'out_indices \(ShuffleNetV1: \(1, 2\)'):
        ContextEnhancement(in_channels=(24, ), out_channels=20)


def test_light_rpn_head_hidden_layer_and_outputs():
    head = LightRPNHead(in_channels=20, feat_channels=16, anchor_generator=dict(
        type='AnchorGenerator', scales=[2, 4], ratios=[0.5, 1.0, 2.0], strides=[16]))
    depthwise, pointwise = head.rpn_conv
    assert depthwise.conv.kernel_size == (5, 5) and depthwise.conv.groups == 20
    assert pointwise.conv.kernel_size == (1, 1) and pointwise.conv.out_channels == 16
    (hidden, ) = head.hidden((torch.randn(1, 20, 6, 8), ))
    assert hidden.shape == (1, 16, 6, 8) and (hidden >= 0).all()
    (scores, ), (deltas, ) = head((hidden, ))
    assert scores.shape == (1, 6, 6, 8) and deltas.shape == (1, 24, 6, 8)


def test_spatial_attention_reweights_by_a_sigmoid_of_the_rpn_features():
    attention = SpatialAttention(in_channels=16, out_channels=20).eval()
    hidden, features = torch.randn(1, 16, 6, 8), torch.randn(1, 20, 6, 8)
    weights = attention.bn(attention.conv(hidden)).sigmoid()
    torch.testing.assert_close(attention(hidden, features), features * weights)


def test_ps_roi_align_reads_channel_c_times_bins_plus_bin():
    # A map whose channel k is the constant k: each output (c, row, column) reads channel c * 49 + row * 7 + column.
    features = torch.arange(245.0)[None, :, None, None].expand(1, 245, 10, 12).contiguous()
    layer = PSRoIAlign(output_size=7, spatial_scale=1 / 16)
    pooled = layer(features, torch.tensor([[0.0, 8.0, 8.0, 150.0, 120.0]]))
    assert pooled.shape == (1, 5, 7, 7)
    torch.testing.assert_close(pooled[0], torch.arange(245.0).reshape(5, 7, 7))


def test_ps_roi_align_refuses_the_adaptive_sampling_count():
    with pytest.raises(ValueError, match='sampling_ratio >= 1'):
        PSRoIAlign(output_size=7, spatial_scale=1 / 16, sampling_ratio=0)


def test_ps_roi_align_is_torchvisions_kernel():
    features, rois = torch.randn(2, 98, 9, 11), torch.tensor([[1.0, 3.0, 4.0, 90.0, 70.0], [0.0, 0.0, 0.0, 5.0, 5.0]])
    layer = PSRoIAlign(output_size=7, spatial_scale=1 / 8, sampling_ratio=2)
    torch.testing.assert_close(layer(features, rois), torchvision.ops.ps_roi_align(features, rois, 7, 1 / 8, 2))


@pytest.mark.parametrize('path', LIGHT_HEAD_CONFIGS)
def test_channels_come_from_the_backbone(path):
    cfg = Config.fromfile(str(ROOT / path))
    detector = MODELS.build(cfg.model)
    backbone, roi_head = detector.backbone, detector.roi_head
    assert backbone.strides == (16, 32)
    grid = roi_head.bbox_roi_extractor.roi_layers[0].output_size
    per_bin = roi_head.bbox_roi_extractor.out_channels
    map_channels = per_bin * grid[0] * grid[1]
    assert (grid, per_bin, map_channels) == ((7, 7), 5, 245)  # ThunderNet's layout
    assert detector.neck.in_channels == backbone.out_channels
    assert detector.neck.out_channels == detector.rpn_head.in_channels == map_channels
    assert detector.attention.conv.in_channels == detector.rpn_head.feat_channels
    assert detector.attention.conv.out_channels == map_channels
    assert roi_head.bbox_head.in_channels == per_bin and _pair(roi_head.bbox_head.roi_feat_size) == grid
    assert roi_head.bbox_head.shared_fcs[0].in_features == map_channels
    assert roi_head.bbox_head.shared_fcs[0].out_features == 1024 and len(roi_head.bbox_head.shared_fcs) == 1
    assert cfg.model.test_cfg.rpn.max_per_img == 200
    assert not cfg.model.neck.get("in_channels") and not cfg.model.roi_head.bbox_head.get("in_channels")


def test_backbone_without_a_stride_32_output_is_refused():
    cfg = Config.fromfile(str(ROOT / 'configs/lighthead/frcnn_lh_shufflenet_1x.py'))
    cfg.model.backbone.out_indices = (1, )
    with pytest.raises(ValueError, match=r'strides \(16, 32\), got \(16,\).*out_indices=\(1, 2\)'):
        MODELS.build(cfg.model)


def test_light_head_detector_trains_and_predicts_on_small_images():
    cfg = Config.fromfile(str(ROOT / 'configs/demo/shapes_frcnn_lh_shufflenet.py'))
    detector = MODELS.build(cfg.model)
    detector.init_weights()
    packed = demo_mm_inputs(2, [[3, 96, 128], [3, 128, 96]], num_classes=5)
    losses = detector(**detector.data_preprocessor(packed, True), mode='loss')
    assert set(losses) >= {'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox', 'acc'}
    total = sum(sum(v) if isinstance(v, list) else v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    for module in (detector.neck, detector.rpn_head.rpn_conv, detector.attention, detector.roi_head.bbox_head):
        assert all(p.grad is not None for p in module.parameters())
    detector.eval()
    with torch.no_grad():
        results = detector(**detector.data_preprocessor(packed, False), mode='predict')
    assert len(results) == 2
    for result in results:
        assert result.pred_instances.bboxes.shape[1] == 4 and (result.pred_instances.labels < 5).all()
