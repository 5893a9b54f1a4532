"""What detectors read from a backbone config before building their heads, and how they fill derived numbers."""

from typing import NamedTuple

from mmdet.registry import MODELS


class BackboneShape(NamedTuple):
    """What a detector needs to know of a backbone config before building its heads.

    Attributes:
        out_channels: Channels of each output, in ``out_indices`` order.
        strides: Total stride of each output, in ``out_indices`` order.
        stage_names: Attribute names of all the backbone's stages, built or not.
        stage_channels: Output channels of all the backbone's stages.
        out_indices: The config's ``out_indices``.
    """

    out_channels: tuple[int, ...]
    strides: tuple[int, ...]
    stage_names: tuple[str, ...]
    stage_channels: tuple[int, ...]
    out_indices: tuple[int, ...]


def backbone_shape(backbone: dict) -> BackboneShape:
    """Build ``backbone`` once, without loading weights, and read its output channels and strides.

    Args:
        backbone: Config of a :class:`~shufflenet_det.models.staged_backbone.StagedBackbone` subclass.

    Returns:
        The channels, strides and stage names the config gives.
    """
    probe = MODELS.build({**backbone, 'init_cfg': None})
    return BackboneShape(probe.out_channels, probe.strides, probe.stage_names, probe.stage_channels,
                         probe.out_indices)


def fill_derived(cfg: dict, key: str, value: object, where: str) -> None:
    """Set ``cfg[key] = value``, refusing a different value the config already gives.

    Raises:
        ValueError: If the config sets ``key`` to something other than ``value``.
    """
    given = cfg.get(key)
    if given is not None and given != value:
        raise ValueError(f'{where}.{key}={given!r} contradicts the backbone, which gives {value!r}; remove it from '
                         'the config (the detector derives it from the backbone)')
    cfg[key] = value
