"""timm's MobileNet v1 (``mobilenetv1_100``, ``mobilenetv1_125``; built by ``_gen_mobilenet_v1`` in
``timm/models/efficientnet.py``).

The network is the paper's with ReLU6 after every BN (``act_layer='relu6'``), which our backbone reproduces
with ``act_cfg=dict(type='ReLU6')``; its ``dsa`` blocks have no residual, its 3x3 convs pad by 1 on every side
and its channels round like ours. Keys: ``conv_stem`` / ``bn1`` (our stem), ``blocks.S.I.conv_dw`` / ``bn1`` /
``conv_pw`` / ``bn2`` (our ``stage{S+1}``, block I of the stage), ``classifier``. The ImageNet weights
``mobilenetv1_100.ra4_e3600_r224_in1k`` take RGB input with mean and std 0.5 on a 0-1 scale (timm's
``IMAGENET_INCEPTION_MEAN`` / ``STD``), i.e. 127.5 and 127.5 on MMDetection's 0-255 scale.
"""

import re

from ..models.mobilenet_v1 import STAGE_BLOCKS
from .source import Architecture, CheckpointSource, KeyRules

#: Width multipliers timm has ImageNet weights of (``mobilenetv1_100``, ``mobilenetv1_125``).
WIDTHS = (1.0, 1.25)
LAYERS = {('depthwise', 'conv'): 'conv_dw', ('depthwise', 'bn'): 'bn1',
          ('pointwise', 'conv'): 'conv_pw', ('pointwise', 'bn'): 'bn2'}


def _block_key(match: re.Match) -> str:
    stage, block, part, layer, parameter = match.groups()
    stage_index = int(stage) - 1
    return f'blocks.{stage_index}.{STAGE_BLOCKS[stage_index].index(int(block))}.{LAYERS[part, layer]}.{parameter}'


class TimmMobileNetV1(CheckpointSource):
    """MobileNet v1 1.0 and 1.25 from timm."""

    name = 'timm'
    title = 'timm MobileNet v1'
    input_format = dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], bgr_to_rgb=True)
    source_key = KeyRules({
        r'backbone\.stem\.conv\.(\w+)': r'conv_stem.\1',
        r'backbone\.stem\.bn\.(\w+)': r'bn1.\1',
        r'backbone\.stage(\d)\.conv(\d+)\.(depthwise|pointwise)\.(conv|bn)\.(\w+)': _block_key,
        r'fc\.(weight|bias)': r'classifier.\1',
    })

    def architectures(self) -> tuple[Architecture, ...]:
        architectures = []
        for width in WIDTHS:
            timm_name = f'mobilenetv1_{round(width * 100)}'
            architectures.append(Architecture(
                f'mobilenet_v1_{round(width * 100)}_timm', f'{width} ({timm_name})',
                dict(type='MobileNetV1', widen_factor=width, act_cfg=dict(type='ReLU6'))))
        return tuple(architectures)
