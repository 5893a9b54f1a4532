"""Channel numbers of a detector's heads, read from its backbone config instead of repeated in configs."""

from mmdet.registry import MODELS


def backbone_outputs(backbone: dict) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ``out_channels`` and ``strides`` of the backbone ``backbone`` builds (without loading weights)."""
    built = MODELS.build(dict(backbone, init_cfg=None))
    return tuple(built.out_channels), tuple(built.strides)
