"""Light-head Faster R-CNN (ThunderNet's layout) with every channel number derived from the backbone config."""

import copy

import torch
from mmdet.models.detectors import TwoStageDetector
from mmdet.registry import MODELS
from mmdet.structures import SampleList

from .derived_channels import backbone_outputs


@MODELS.register_module()
class LightHeadRCNN(TwoStageDetector):
    """Two-stage detector with a context-enhanced stride-16 map, a light RPN, spatial attention and PS-RoIAlign.

    ::

        backbone (stride 16, stride 32) -> neck (ContextEnhancement) -> map with bins x k channels
            -> rpn_head.hidden (5x5 depthwise + 1x1) -> objectness, deltas -> proposals
            -> attention(hidden, map) -> roi_head (PSRoIAlign: k channels per bin -> one FC -> cls, box)

    The config names the backbone, the RoI grid (``roi_layer.output_size``, 7) and the channels per bin
    (``bbox_roi_extractor.out_channels``, ThunderNet's 5); this class fills in ``neck.in_channels`` from the
    backbone's outputs, ``neck.out_channels`` and ``rpn_head.in_channels`` (bins x channels per bin), the
    attention's channels, and ``bbox_head.in_channels`` / ``roi_feat_size``.

    Args:
        backbone: Backbone config whose ``out_indices`` give the stride-16 and stride-32 stages.
        neck: Context-enhancement config.
        rpn_head: :class:`LightRPNHead` config.
        roi_head: ``StandardRoIHead`` config with a :class:`PSRoIExtractor` and a box head without pooling.
        attention: :class:`SpatialAttention` config.
        train_cfg: Training config (``rpn``, ``rpn_proposal``, ``rcnn``).
        test_cfg: Test config (``rpn``, ``rcnn``).
        data_preprocessor: Data preprocessor config.
        init_cfg: MMEngine initialisation config.

    Raises:
        ValueError: If the backbone's outputs are not one stride-16 and one stride-32 map.
    """

    def __init__(self, backbone: dict, neck: dict, rpn_head: dict, roi_head: dict,
                 attention: dict | None = None, train_cfg: dict | None = None, test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | list[dict] | None = None) -> None:
        channels, strides = backbone_outputs(backbone)
        if strides != (16, 32):
            raise ValueError(f'the light head needs the backbone outputs at strides (16, 32), got {strides} for '
                             f'out_indices={backbone.get("out_indices")}; use ShuffleNetV1 out_indices=(1, 2) or '
                             'MobileNetV1 out_indices=(3, 4)')
        neck, rpn_head, roi_head = copy.deepcopy(neck), copy.deepcopy(rpn_head), copy.deepcopy(roi_head)
        extractor = roi_head['bbox_roi_extractor']
        grid = extractor['roi_layer']['output_size']
        per_bin = extractor['out_channels']
        map_channels = per_bin * grid * grid
        neck.update(in_channels=channels, out_channels=map_channels)
        rpn_head.update(in_channels=map_channels)
        roi_head['bbox_head'].update(in_channels=per_bin, roi_feat_size=grid)
        super().__init__(backbone=backbone, neck=neck, rpn_head=rpn_head, roi_head=roi_head, train_cfg=train_cfg,
                         test_cfg=test_cfg, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        attention = dict(attention or dict(type='SpatialAttention'))
        attention.update(in_channels=self.rpn_head.feat_channels, out_channels=map_channels)
        self.attention = MODELS.build(attention)

    def image_features(self, batch_inputs: torch.Tensor) -> tuple[tuple[torch.Tensor], tuple[torch.Tensor]]:
        """The RPN's hidden features and the attended map RoIs are pooled from, one level each."""
        context = self.extract_feat(batch_inputs)
        rpn_hidden = self.rpn_head.hidden(context)
        pooled_from = tuple(self.attention(hidden, level) for hidden, level in zip(rpn_hidden, context, strict=True))
        return rpn_hidden, pooled_from

    def loss(self, batch_inputs: torch.Tensor, batch_data_samples: SampleList) -> dict:
        """RPN and RoI-head losses of a batch (proposals always come from the RPN)."""
        rpn_hidden, pooled_from = self.image_features(batch_inputs)
        rpn_samples = copy.deepcopy(batch_data_samples)
        for sample in rpn_samples:  # the RPN separates objects from background only
            sample.gt_instances.labels = torch.zeros_like(sample.gt_instances.labels)
        proposal_cfg = self.train_cfg.get('rpn_proposal', self.test_cfg.rpn)
        losses, proposals = self.rpn_head.loss_and_predict(rpn_hidden, rpn_samples, proposal_cfg=proposal_cfg)
        losses.update(self.roi_head.loss(pooled_from, proposals, batch_data_samples))
        return losses

    def predict(self, batch_inputs: torch.Tensor, batch_data_samples: SampleList, rescale: bool = True) -> SampleList:
        """Detections of a batch, added to its data samples as ``pred_instances``."""
        rpn_hidden, pooled_from = self.image_features(batch_inputs)
        proposals = self.rpn_head.predict(rpn_hidden, batch_data_samples, rescale=False)
        results = self.roi_head.predict(pooled_from, proposals, batch_data_samples, rescale=rescale)
        return self.add_pred_to_datasample(batch_data_samples, results)

    def _forward(self, batch_inputs: torch.Tensor, batch_data_samples: SampleList) -> tuple:
        rpn_hidden, pooled_from = self.image_features(batch_inputs)
        proposals = self.rpn_head.predict(rpn_hidden, batch_data_samples, rescale=False)
        return (self.roi_head.forward(pooled_from, proposals, batch_data_samples), )
