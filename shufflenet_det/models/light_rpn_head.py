"""ThunderNet's light RPN: a 5x5 depthwise and a 1x1 convolution instead of the 3x3 convolution."""

import torch
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from torch import nn

from .mixed_precision_rpn_head import MixedPrecisionRPNHead


@MODELS.register_module()
class LightRPNHead(MixedPrecisionRPNHead):
    """RPN head whose hidden layer is a 5x5 depthwise conv and a 1x1 conv to ``feat_channels`` (BN + ReLU each).

    The hidden features also drive the light-head detector's spatial attention, so the detector computes them
    once with :meth:`hidden` and passes them to this head: ``forward``, ``loss`` and ``predict`` take the
    output of :meth:`hidden`, not the input features.

    Args:
        in_channels: Channels of the input feature map.
        feat_channels: Channels of the hidden features (ThunderNet: 256).
        norm_cfg: Normalisation after each hidden conv.
        **kwargs: The rest of :class:`mmdet.models.dense_heads.RPNHead`'s arguments (anchors, coders, losses).
    """

    def __init__(self, in_channels: int, feat_channels: int = 256, norm_cfg: dict | None = None,
                 **kwargs) -> None:
        self.norm_cfg = norm_cfg or dict(type='BN')
        super().__init__(in_channels=in_channels, feat_channels=feat_channels, **kwargs)

    def _init_layers(self) -> None:
        self.rpn_conv = nn.Sequential(
            ConvModule(self.in_channels, self.in_channels, 5, padding=2, groups=self.in_channels,
                       norm_cfg=self.norm_cfg),
            ConvModule(self.in_channels, self.feat_channels, 1, norm_cfg=self.norm_cfg))
        self.rpn_cls = nn.Conv2d(self.feat_channels, self.num_base_priors * self.cls_out_channels, 1)
        self.rpn_reg = nn.Conv2d(self.feat_channels, self.num_base_priors * self.bbox_coder.encode_size, 1)

    def hidden(self, features: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """The hidden features of each level (what ``forward`` and the spatial attention consume)."""
        return tuple(self.rpn_conv(level) for level in features)

    def forward_single(self, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Objectness logits and box deltas of one level from its hidden features."""
        return self.rpn_cls(hidden), self.rpn_reg(hidden)
