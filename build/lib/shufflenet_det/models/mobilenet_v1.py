"""MobileNet v1 (Howard et al., 2017) as an MMDetection backbone."""

from collections.abc import Sequence

import torch
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from torch import nn

from .staged_backbone import Stage, StagedBackbone
from .utils import make_divisible

#: (stride, output channels) of the 13 depthwise-separable blocks conv1..conv13 at alpha = 1 (paper Table 1).
BLOCKS = ((1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
          (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024))
#: Blocks of each stage: the stages end where the stride doubles next (strides 2, 4, 8, 16, 32).
STAGE_BLOCKS = ((1,), (2, 3), (4, 5), (6, 7, 8, 9, 10, 11), (12, 13))
STEM_CHANNELS = 32


class DepthwiseSeparable(nn.Module):
    """3x3 depthwise conv -> BN -> ReLU -> 1x1 conv -> BN -> ReLU (paper Fig. 3, right)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, conv_cfg: dict | None,
                 norm_cfg: dict, act_cfg: dict, with_cp: bool = False) -> None:
        super().__init__()
        self.with_cp = with_cp
        self.depthwise = ConvModule(in_channels, in_channels, 3, stride=stride, padding=1, groups=in_channels,
                                    conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.pointwise = ConvModule(in_channels, out_channels, 1, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                    act_cfg=act_cfg)

    def _block(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(self._block, x, use_reentrant=False)
        return self._block(x)


@MODELS.register_module()
class MobileNetV1(StagedBackbone):
    """MobileNet v1 backbone as in the paper's Table 1, BN and ReLU after every conv.

    The stem is ``conv0`` (3x3, stride 2, 32 * alpha channels); the 13 depthwise-separable blocks
    ``conv1``..``conv13`` (TF-slim's numbering) form five stages by output stride:

    ====== ========= ============== ======================
    index  attribute blocks         stride, channels (1.0)
    ====== ========= ============== ======================
    0      stage1    conv1          2, 64
    1      stage2    conv2-3        4, 128
    2      stage3    conv4-5        8, 256
    3      stage4    conv6-11       16, 512
    4      stage5    conv12-13      32, 1024
    ====== ========= ============== ======================

    Args:
        widen_factor: The width multiplier alpha (0.25, 0.5, 0.75, 1.0, ...); channels are rounded to
            multiples of 8 as in TF-slim and timm.
        out_indices: Stages to output (see the table).
        frozen_stages: -1 freezes nothing, 0 the stem, k the stem and the first k stages.
        norm_eval: Keep BN layers in eval mode during training.
        with_cp: Use gradient checkpointing inside each block.
        conv_cfg: Convolution config.
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        init_cfg: MMEngine initialisation config.
    """

    num_stages = len(STAGE_BLOCKS)

    def __init__(self, widen_factor: float = 1.0, out_indices: Sequence[int] = (4,), frozen_stages: int = -1,
                 norm_eval: bool = False, with_cp: bool = False, conv_cfg: dict | None = None,
                 norm_cfg: dict | None = None, act_cfg: dict | None = None,
                 init_cfg: dict | list[dict] | None = None) -> None:
        if not widen_factor > 0:
            raise ValueError(f'widen_factor={widen_factor} must be positive')
        norm_cfg = norm_cfg or dict(type='BN', requires_grad=True)
        act_cfg = act_cfg or dict(type='ReLU')
        in_channels = make_divisible(STEM_CHANNELS * widen_factor, 8)
        stem = ConvModule(3, in_channels, 3, stride=2, padding=1, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)
        stages = []
        stride = 2
        for stage_index, block_ids in enumerate(STAGE_BLOCKS):
            module = nn.Sequential()
            for block_id in block_ids:
                block_stride, base_channels = BLOCKS[block_id - 1]
                out_channels = make_divisible(base_channels * widen_factor, 8)
                module.add_module(f'conv{block_id}', DepthwiseSeparable(
                    in_channels, out_channels, block_stride, conv_cfg, norm_cfg, act_cfg, with_cp))
                in_channels = out_channels
                stride *= block_stride
            stages.append(Stage(f'stage{stage_index + 1}', module, in_channels, stride))
        if init_cfg is None:
            init_cfg = [dict(type='Kaiming', layer='Conv2d'),
                        dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])]
        super().__init__(stem, stages, out_indices, frozen_stages, norm_eval, init_cfg)
        self.widen_factor = widen_factor
