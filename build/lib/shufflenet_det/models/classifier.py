"""The ImageNet classification form of a backbone: the network the papers' complexity tables describe."""

import torch
from mmdet.registry import MODELS
from torch import nn


class ClassificationNet(nn.Module):
    """A backbone's last stage, global average pooling and a fully connected classifier.

    Args:
        backbone: Backbone config; its last stage is used whatever its ``out_indices`` say.
        num_classes: Outputs of the classifier (1000 for ImageNet).
    """

    def __init__(self, backbone: dict, num_classes: int = 1000) -> None:
        super().__init__()
        last_stage = MODELS.get(backbone['type']).num_stages - 1
        self.backbone = MODELS.build({**backbone, 'out_indices': (last_stage,)})
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.backbone.out_channels[-1], num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class logits of shape (N, num_classes) for images of shape (N, 3, H, W)."""
        features = self.backbone(x)[-1]
        return self.fc(self.pool(features).flatten(1))
