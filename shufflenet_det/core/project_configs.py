"""The project's config files: where they are, how they are named per input scale, and a config's input scale.

The configs ship inside the package (``shufflenet_det/configs``, a link to the checkout's ``configs/`` that
wheels hold as a copy, like MMDetection's ``.mim/configs``), so they are found the same way in a checkout, an
editable install and a wheel install.
"""

import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mmengine.config import Config

from ..deploy.preprocess import InputScale

#: Input scales of the paper's Table 7 (shorter image side).
SCALES = (300, 600)
#: The scale of the configs without a scale suffix (``frcnn_shufflenet_2x.py``); the others end in ``_<scale>``.
DEFAULT_SCALE = 600
#: Longer-side limit per unit of shorter side: MMDetection's (1000, 600) and (500, 300).
MAX_SIZE_RATIO = 5 / 3
#: (height, width) of COCO's most common image, where a config's input size is quoted.
TYPICAL_IMAGE = (480, 640)
#: MMDetection's own C4 Faster R-CNN (ResNet-50, caffe style): the heavy detector reference.
MMDET_R50_C4 = 'mmdet::faster_rcnn/faster-rcnn_r50-caffe_c4-1x_coco.py'


def config_root() -> Path:
    """The folder holding the project's configs (``configs/`` of a checkout, or the installed copy)."""
    return Path(str(importlib.resources.files('shufflenet_det') / 'configs'))


def load_config(config: str | Path) -> Config:
    """Load a config file, or one of MMDetection's packaged configs named ``mmdet::<path>``.

    Raises:
        FileNotFoundError: If the file does not exist.
    """
    if str(config).startswith('mmdet::'):
        from mmengine.hub import get_config

        return get_config(str(config))
    if not Path(config).is_file():
        raise FileNotFoundError(f'config {config} not found')
    return Config.fromfile(str(config))


def project_detector_configs() -> list[Path]:
    """The project's COCO detector configs: the paper's C4 ones (``frcnn_*.py``), then ``lighthead/*.py``."""
    return sorted(config_root().glob('frcnn_*.py')) + sorted(config_root().glob('lighthead/*.py'))


def display_path(config: str | Path) -> str:
    """``config`` as users write it: ``configs/<path>`` for the project's configs, unchanged otherwise."""
    path = Path(config)
    if path.is_absolute() and path.is_relative_to(config_root()):
        return f'configs/{path.relative_to(config_root())}'
    return str(config)


def scaled_config_name(stem: str, scale: int) -> str:
    """The config file name (without ``.py``) of ``stem`` at ``scale``: ``frcnn_mobilenet_v1`` -> ``..._300``."""
    return stem if scale == DEFAULT_SCALE else f'{stem}_{scale}'


def config_for(stem: str, scale: int) -> Path:
    """The config file of ``stem`` (``frcnn_shufflenet_2x``, or with a folder) at ``scale``.

    Raises:
        FileNotFoundError: If the project has no config of that stem at that scale.
    """
    path = config_root() / f'{scaled_config_name(stem, scale)}.py'
    if not path.is_file():
        raise FileNotFoundError(f'{path} not found: the detectors are configured for scales '
                                f'{" and ".join(map(str, SCALES))} only')
    return path


def input_scale_for(scale: int) -> InputScale:
    """``scale`` with MMDetection's longer-side limit for it (600 -> 1000, 300 -> 500)."""
    return InputScale(scale, round(scale * MAX_SIZE_RATIO))


def config_scale(cfg: Config) -> InputScale:
    """The input scale of the config's test pipeline (its keep-ratio ``Resize``).

    Raises:
        ValueError: If the test pipeline has no keep-ratio ``Resize``.
    """
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'Resize' and step.get('keep_ratio'):
            longer, shorter = sorted(step['scale'], reverse=True)
            return InputScale(shorter, longer)
    raise ValueError('the config has no keep-ratio Resize in its test pipeline; pass the scale explicitly')


def export_name(config: str | Path, scale: int) -> str:
    """``<config stem>_<scale>``, e.g. ``frcnn_shufflenet_2x_600`` (a ``_<scale>`` suffix is not repeated)."""
    return f'{Path(config).stem.removesuffix(f"_{scale}")}_{scale}'


def config_nodes(node: Any, path: str = '') -> Iterator[tuple[str, Any]]:
    """Every value inside a config (dicts and lists, depth first) with its dotted path, ``node`` itself first.

    Args:
        node: A config dict (or any value inside one).
        path: The dotted path of ``node``; list entries are numbered (``param_scheduler.1.eta_min``).

    Yields:
        ``(path, value)`` pairs; the values are the config's own objects, not copies.
    """
    yield path, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list | tuple) else ()
    for key, child in children:
        yield from config_nodes(child, f'{path}.{key}' if path else str(key))
