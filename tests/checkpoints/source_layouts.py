"""Local stand-ins for the published networks: same parameter names, shapes and forward as the sources.

Written from the sources' code (Megvii ``ShuffleNet-Series/ShuffleNetV1/{network,blocks}.py``, mmpretrain
``models/backbones/shufflenet_v1.py`` + ``ImageClassifier`` with a ``LinearClsHead``, timm
``_gen_mobilenet_v1`` + ``DepthwiseSeparableConv``), so conversions are tested without downloads. Each network
has ``stage_outputs(images)`` (the features our backbone's stages must reproduce) and ``forward(images)``
(class logits).
"""

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from torch import nn

from shufflenet_det.models.utils import make_divisible

# --- Megvii ShuffleNet-Series ShuffleNetV1 ---------------------------------------------------------------------

MEGVII_CHANNELS = {
    3: {0.5: [-1, 12, 120, 240, 480], 1.0: [-1, 24, 240, 480, 960], 1.5: [-1, 24, 360, 720, 1440],
        2.0: [-1, 48, 480, 960, 1920]},
    8: {0.5: [-1, 16, 192, 384, 768], 1.0: [-1, 24, 384, 768, 1536], 1.5: [-1, 24, 576, 1152, 2304],
        2.0: [-1, 48, 768, 1536, 3072]},
}


class MegviiShuffleV1Block(nn.Module):
    def __init__(self, inp: int, oup: int, group: int, first_group: bool, mid_channels: int, stride: int) -> None:
        super().__init__()
        self.stride, self.group = stride, group
        outputs = oup - inp if stride == 2 else oup
        self.branch_main_1 = nn.Sequential(
            nn.Conv2d(inp, mid_channels, 1, 1, 0, groups=1 if first_group else group, bias=False),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, mid_channels, 3, stride, 1, groups=mid_channels, bias=False),
            nn.BatchNorm2d(mid_channels))
        self.branch_main_2 = nn.Sequential(
            nn.Conv2d(mid_channels, outputs, 1, 1, 0, groups=group, bias=False),
            nn.BatchNorm2d(outputs))
        if stride == 2:
            self.branch_proj = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, old_x: torch.Tensor) -> torch.Tensor:
        x = self.branch_main_1(old_x)
        if self.group > 1:
            x = self.channel_shuffle(x)
        x = self.branch_main_2(x)
        if self.stride == 1:
            return F.relu(x + old_x)
        return torch.cat((self.branch_proj(old_x), F.relu(x)), 1)

    def channel_shuffle(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        x = x.reshape(batch, channels // self.group, self.group, height, width)
        return x.permute(0, 2, 1, 3, 4).reshape(batch, channels, height, width)


class MegviiShuffleNetV1(nn.Module):
    """``ShuffleNetV1(model_size=..., group=...)``; input BGR 0-255, 224x224 for the logits."""

    def __init__(self, group: int, width: float) -> None:
        super().__init__()
        self.stage_out_channels = MEGVII_CHANNELS[group][width]
        input_channel = self.stage_out_channels[1]
        self.first_conv = nn.Sequential(
            nn.Conv2d(3, input_channel, 3, 2, 1, bias=False), nn.BatchNorm2d(input_channel), nn.ReLU(inplace=True))
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        features = []
        for stage, repeats in enumerate((4, 8, 4)):
            output_channel = self.stage_out_channels[stage + 2]
            for i in range(repeats):
                features.append(MegviiShuffleV1Block(input_channel, output_channel, group=group,
                                                     first_group=stage == 0 and i == 0,
                                                     mid_channels=output_channel // 4, stride=2 if i == 0 else 1))
                input_channel = output_channel
        self.features = nn.Sequential(*features)
        self.globalpool = nn.AvgPool2d(7)
        self.classifier = nn.Sequential(nn.Linear(self.stage_out_channels[-1], 1000, bias=False))

    def stage_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.maxpool(self.first_conv(x))
        outs = []
        for index, block in enumerate(self.features):
            x = block(x)
            if index in (3, 11, 15):
                outs.append(x)
        return outs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.globalpool(self.stage_outputs(x)[-1])
        return self.classifier(x.contiguous().view(-1, self.stage_out_channels[-1]))

    @staticmethod
    def preprocess(bgr: torch.Tensor) -> torch.Tensor:
        """Their ``ToBGRTensor``: the image as BGR floats on the 0-255 scale (``bgr``: HxWx3 uint8, BGR)."""
        return bgr.permute(2, 0, 1).float()

    def checkpoint(self) -> dict:
        """What Megvii's train.py saves: the state dict of the ``DataParallel``-wrapped model."""
        return {'state_dict': {f'module.{key}': value for key, value in self.state_dict().items()}}


# --- mmpretrain ShuffleNetV1 in an ImageClassifier -------------------------------------------------------------

def mmpretrain_channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    batch, channels, height, width = x.size()
    x = x.view(batch, groups, channels // groups, height, width)
    return torch.transpose(x, 1, 2).contiguous().view(batch, -1, height, width)


class MmpretrainShuffleUnit(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, groups: int, first_block: bool, combine: str) -> None:
        super().__init__()
        self.groups, self.combine = groups, combine
        bottleneck = out_channels // 4
        if combine == 'concat':
            out_channels -= in_channels
            self.avgpool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)
        norm_cfg = dict(type='BN')
        self.g_conv_1x1_compress = ConvModule(in_channels, bottleneck, 1, groups=1 if first_block else groups,
                                              norm_cfg=norm_cfg, act_cfg=dict(type='ReLU'))
        self.depthwise_conv3x3_bn = ConvModule(bottleneck, bottleneck, 3, stride=2 if combine == 'concat' else 1,
                                               padding=1, groups=bottleneck, norm_cfg=norm_cfg, act_cfg=None)
        self.g_conv_1x1_expand = ConvModule(bottleneck, out_channels, 1, groups=groups, norm_cfg=norm_cfg,
                                            act_cfg=None)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.depthwise_conv3x3_bn(self.g_conv_1x1_compress(x))
        if self.groups > 1:
            out = mmpretrain_channel_shuffle(out, self.groups)
        out = self.g_conv_1x1_expand(out)
        if self.combine == 'concat':
            return torch.cat((self.avgpool(x), self.act(out)), 1)
        return self.act(x + out)


class MmpretrainBackbone(nn.Module):
    CHANNELS = {1: (144, 288, 576), 2: (200, 400, 800), 3: (240, 480, 960), 4: (272, 544, 1088),
                8: (384, 768, 1536)}

    def __init__(self, groups: int, widen_factor: float = 1.0) -> None:
        super().__init__()
        channels = [make_divisible(c * widen_factor, 8) for c in self.CHANNELS[groups]]
        in_channels = int(24 * widen_factor)
        self.conv1 = ConvModule(3, in_channels, 3, stride=2, padding=1, norm_cfg=dict(type='BN'),
                                act_cfg=dict(type='ReLU'))
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layers = nn.ModuleList()
        for stage, num_blocks in enumerate((4, 8, 4)):
            blocks = []
            for i in range(num_blocks):
                blocks.append(MmpretrainShuffleUnit(in_channels, channels[stage], groups,
                                                    first_block=stage == 0 and i == 0,
                                                    combine='concat' if i == 0 else 'add'))
                in_channels = channels[stage]
            self.layers.append(nn.Sequential(*blocks))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.maxpool(self.conv1(x))
        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        return outs


class MmpretrainClassifier(nn.Module):
    """``ImageClassifier(backbone=ShuffleNetV1, neck=GlobalAveragePooling, head=LinearClsHead)``."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.backbone = MmpretrainBackbone(groups)
        self.head = nn.Module()
        self.head.fc = nn.Linear(self.backbone.layers[-1][-1].g_conv_1x1_expand.conv.out_channels, 1000)

    def stage_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        return self.backbone(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head.fc(self.backbone(x)[-1].mean((2, 3)))

    @staticmethod
    def preprocess(bgr: torch.Tensor) -> torch.Tensor:
        """Its ``ClsDataPreprocessor(mean=..., std=..., to_rgb=True)``."""
        mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
        std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
        return (bgr.flip(2).permute(2, 0, 1).float() - mean) / std

    def checkpoint(self) -> dict:
        """What MMEngine saves: ``meta`` and the state dict."""
        return {'meta': {'mmpretrain_version': '1.2.0', 'dataset_meta': {'classes': ['tench', 'goldfish']}},
                'state_dict': self.state_dict()}


# --- timm mobilenetv1_100 / mobilenetv1_125 -------------------------------------------------------------------

class BatchNormAct2d(nn.BatchNorm2d):
    """timm's ``BatchNormAct2d``: BN parameters under the BN's own names, then the activation (ReLU6)."""

    def __init__(self, channels: int, apply_act: bool = True) -> None:
        super().__init__(channels)
        self.act = nn.ReLU6(inplace=True) if apply_act else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(super().forward(x))


class TimmDepthwiseSeparableConv(nn.Module):
    """``dsa`` block: no skip, activation after the pointwise conv too."""

    def __init__(self, in_chs: int, out_chs: int, stride: int) -> None:
        super().__init__()
        self.conv_dw = nn.Conv2d(in_chs, in_chs, 3, stride=stride, padding=1, groups=in_chs, bias=False)
        self.bn1 = BatchNormAct2d(in_chs)
        self.aa = nn.Identity()
        self.se = nn.Identity()
        self.conv_pw = nn.Conv2d(in_chs, out_chs, 1, bias=False)
        self.bn2 = BatchNormAct2d(out_chs, apply_act=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn2(self.conv_pw(self.se(self.aa(self.bn1(self.conv_dw(x))))))


class TimmMobileNetV1(nn.Module):
    """``timm.create_model('mobilenetv1_100')``: ``EfficientNet`` with ``dsa`` blocks and no head conv."""

    ARCH = ((1, 1, 64), (2, 2, 128), (2, 2, 256), (6, 2, 512), (2, 2, 1024))  # repeats, first stride, channels

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        stem = make_divisible(32 * width, 8)
        self.conv_stem = nn.Conv2d(3, stem, 3, stride=2, padding=1, bias=False)
        self.bn1 = BatchNormAct2d(stem)
        stages, in_chs = [], stem
        for repeats, stride, channels in self.ARCH:
            out_chs = make_divisible(channels * width, 8)
            blocks = []
            for i in range(repeats):
                blocks.append(TimmDepthwiseSeparableConv(in_chs, out_chs, stride if i == 0 else 1))
                in_chs = out_chs
            stages.append(nn.Sequential(*blocks))
        self.blocks = nn.Sequential(*stages)
        self.conv_head = nn.Identity()
        self.bn2 = nn.Identity()
        self.classifier = nn.Linear(in_chs, 1000)

    def stage_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.bn1(self.conv_stem(x))
        outs = []
        for stage in self.blocks:
            x = stage(x)
            outs.append(x)
        return outs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn2(self.conv_head(self.stage_outputs(x)[-1]))
        return self.classifier(x.mean((2, 3)))

    @staticmethod
    def preprocess(bgr: torch.Tensor) -> torch.Tensor:
        """timm's eval transform for this model: ``ToTensor()`` then ``Normalize(mean=0.5, std=0.5)`` on RGB."""
        return (bgr.flip(2).permute(2, 0, 1).float() / 255 - 0.5) / 0.5

    def checkpoint(self) -> dict:
        """A timm hub ``pytorch_model.bin``: the bare state dict."""
        return self.state_dict()


# --- random but well-scaled weights -----------------------------------------------------------------------------

def randomize(network: nn.Module, images: torch.Tensor, seed: int = 0) -> None:
    """Give every layer random weights and BN statistics that keep the features of ``images`` near unit scale.

    BN scales and shifts are drawn at random, then the running statistics are measured on ``images`` so that
    no stage's output collapses to zero or blows up (which would make a feature comparison meaningless).
    """
    generator = torch.Generator().manual_seed(seed)
    batch_norms = [m for m in network.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) / fan_in ** 0.5)
                if module.bias is not None:
                    module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
        for bn in batch_norms:
            bn.weight.copy_(0.5 + torch.rand(bn.weight.shape, generator=generator))
            bn.bias.copy_(0.2 * torch.randn(bn.bias.shape, generator=generator))
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average over the calibration pass
        network.train()
        network.stage_outputs(images)
        network.eval()
        for bn in batch_norms:
            bn.momentum = 0.1
