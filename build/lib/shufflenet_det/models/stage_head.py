"""The last backbone stage run on every RoI: the box head of the "C4" Faster R-CNN layout."""

import copy

import torch
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm


@MODELS.register_module()
class BackboneStageHead(BaseModule):
    """Run one stage of a backbone on RoI features (a shared head for ``StandardRoIHead``).

    The stage is taken from a backbone built from ``backbone``, so it is the same definition as the backbone's
    and keeps the backbone's attribute name (``stage4`` for ShuffleNet v1, ``stage5`` for MobileNet v1): a
    checkpoint of the backbone initialises it too, as MMDetection's ``ResLayer`` does for ResNet's ``layer4``.

    Args:
        backbone: Config of the backbone the stage comes from (its ``out_indices``, ``frozen_stages`` and
            ``init_cfg`` are ignored).
        stage_index: Index of the stage, in the backbone's ``out_indices`` numbering. Default: the last.
        norm_eval: Keep BN layers in eval mode during training.
        init_cfg: MMEngine initialisation config; default: the backbone config's ``init_cfg`` if it has one
            (so a ``Pretrained`` backbone checkpoint also initialises this stage), else Kaiming/constant.
    """

    def __init__(self, backbone: dict, stage_index: int = -1, norm_eval: bool = True,
                 init_cfg: dict | list[dict] | None = None) -> None:
        backbone = copy.deepcopy(dict(backbone))
        if init_cfg is None:
            init_cfg = backbone.get('init_cfg') or [
                dict(type='Kaiming', layer='Conv2d'),
                dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])]
        super().__init__(init_cfg)
        backbone.update(frozen_stages=-1, init_cfg=None)
        backbone.pop('out_indices', None)
        trunk = MODELS.build(backbone)
        num_stages = len(trunk.stage_names)
        if not -num_stages <= stage_index < num_stages:
            raise ValueError(f'stage_index={stage_index} is out of range for {backbone["type"]} '
                             f'with stages {trunk.stage_names}')
        self.stage_name = trunk.stage_names[stage_index]
        self.add_module(self.stage_name, getattr(trunk, self.stage_name))
        self.out_channels = trunk.stage_channels[stage_index]
        self.norm_eval = norm_eval

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the stage to RoI features of shape (num_rois, C, S, S)."""
        return getattr(self, self.stage_name)(x)

    def train(self, mode: bool = True) -> 'BackboneStageHead':
        """Switch to train mode, keeping BN layers in eval mode when ``norm_eval`` is set."""
        super().train(mode)
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
