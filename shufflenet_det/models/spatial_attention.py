"""ThunderNet's spatial attention module (SAM): the RPN's features reweight the map the RoIs are pooled from."""

import torch
from mmcv.cnn import build_norm_layer
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


@MODELS.register_module()
class SpatialAttention(BaseModule):
    """``features * sigmoid(BN(conv1x1(rpn_hidden)))`` (Qin et al., ThunderNet, 2019, Eq. 2).

    Args:
        in_channels: Channels of the RPN's hidden features.
        out_channels: Channels of the features being reweighted.
        norm_cfg: Normalisation between the 1x1 conv and the sigmoid.
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: dict | None = None,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(init_cfg)
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.norm_name, norm = build_norm_layer(norm_cfg or dict(type='BN'), out_channels)
        self.add_module(self.norm_name, norm)

    def forward(self, rpn_hidden: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        """Reweight ``features`` (N, C, H, W) by the attention computed from ``rpn_hidden`` (N, C', H, W)."""
        return features * getattr(self, self.norm_name)(self.conv(rpn_hidden)).sigmoid()
