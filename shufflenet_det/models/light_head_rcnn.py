"""Light-head Faster R-CNN (ThunderNet's layout) with every channel number derived from the backbone config."""

import copy

import torch
from mmdet.models.detectors import TwoStageDetector
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmengine.config import ConfigDict
from torch.nn.modules.utils import _pair

from .derived_channels import backbone_shape, fill_derived


@MODELS.register_module()
class LightHeadRCNN(TwoStageDetector):
    """Two-stage detector with a context-enhanced stride-16 map, a light RPN, spatial attention and PS-RoIAlign.

    ::

        backbone (stride 16, stride 32) -> neck (ContextEnhancement) -> map with bins x k channels
            -> rpn_head.hidden (5x5 depthwise + 1x1) -> objectness, deltas -> proposals
            -> attention(hidden, map) -> roi_head (PSRoIAlign: k channels per bin -> one FC -> cls, box)

    The config names the backbone, the RoI grid (``roi_layer.output_size``, 7) and the channels per bin
    (``bin_channels``, ThunderNet's 5); this class fills in ``neck.in_channels`` from the backbone's outputs,
    ``neck.out_channels`` and ``rpn_head.in_channels`` (bins x channels per bin), the anchor and extractor
    strides, the extractor's ``out_channels`` (channels per bin), the attention's channels, and the box head's
    ``in_channels`` and ``roi_feat_size``. A config that gives one of these numbers anyway must give the
    derived value.

    Args:
        backbone: Backbone config whose ``out_indices`` give the stride-16 and stride-32 stages.
        neck: Context-enhancement config, without channel numbers.
        rpn_head: :class:`LightRPNHead` config, without ``in_channels``.
        roi_head: ``StandardRoIHead`` config with a :class:`RegistryRoIExtractor` and a box head without pooling.
        attention: :class:`SpatialAttention` config, without channel numbers.
        bin_channels: Channels of each RoI bin (ThunderNet's alpha: 5 for its small backbones).
        train_cfg: Training config (``rpn``, ``rpn_proposal``, ``rcnn``).
        test_cfg: Test config (``rpn``, ``rcnn``).
        data_preprocessor: Data preprocessor config.
        init_cfg: MMEngine initialisation config.

    Raises:
        ValueError: If the backbone's outputs are not one stride-16 and one stride-32 map, or the config gives a
            channel number or stride that contradicts the derived one.
    """

    def __init__(self, backbone: dict, neck: dict, rpn_head: dict, roi_head: dict,
                 attention: dict | None = None, bin_channels: int = 5, train_cfg: dict | None = None,
                 test_cfg: dict | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | list[dict] | None = None) -> None:
        shape = backbone_shape(backbone)
        if shape.strides != (16, 32):
            raise ValueError(f'the light head needs the backbone outputs at strides (16, 32), got {shape.strides} '
                             f'for out_indices={shape.out_indices}; use ShuffleNetV1 out_indices=(1, 2) or '
                             'MobileNetV1 out_indices=(3, 4)')
        neck, rpn_head, roi_head = (ConfigDict(copy.deepcopy(cfg)) for cfg in (neck, rpn_head, roi_head))
        attention = ConfigDict(copy.deepcopy(attention or dict(type='SpatialAttention')))
        extractor, bbox_head = roi_head.bbox_roi_extractor, roi_head.bbox_head
        grid = _pair(extractor.roi_layer.output_size)
        map_channels = bin_channels * grid[0] * grid[1]
        strides = [shape.strides[0]]
        fill_derived(neck, 'in_channels', list(shape.out_channels), 'neck')
        fill_derived(neck, 'out_channels', map_channels, 'neck')
        fill_derived(rpn_head, 'in_channels', map_channels, 'rpn_head')
        fill_derived(rpn_head.anchor_generator, 'strides', strides, 'rpn_head.anchor_generator')
        fill_derived(extractor, 'out_channels', bin_channels, 'roi_head.bbox_roi_extractor')
        fill_derived(extractor, 'featmap_strides', strides, 'roi_head.bbox_roi_extractor')
        fill_derived(bbox_head, 'in_channels', bin_channels, 'roi_head.bbox_head')
        fill_derived(bbox_head, 'roi_feat_size', grid[0] if grid[0] == grid[1] else grid, 'roi_head.bbox_head')
        super().__init__(backbone=backbone, neck=neck, rpn_head=rpn_head, roi_head=roi_head, train_cfg=train_cfg,
                         test_cfg=test_cfg, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        fill_derived(attention, 'in_channels', self.rpn_head.feat_channels, 'attention')
        fill_derived(attention, 'out_channels', map_channels, 'attention')
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
