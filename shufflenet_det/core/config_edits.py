"""Edits of a loaded config that the tools make: its input scale, its schedule's length and its data root."""

from pathlib import Path

from mmengine.config import Config

from ..deploy.preprocess import InputScale
from .project_configs import load_config

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def set_input_scale(cfg: Config, input_scale: InputScale) -> None:
    """Make every ``Resize`` of the train, val and test pipelines resize to ``input_scale``."""
    for loader in LOADERS:
        for step in cfg[loader].dataset.pipeline:
            if step['type'] == 'Resize':
                step['scale'] = (input_scale.max_size, input_scale.scale)


def set_epochs(cfg: Config, epochs: int) -> None:
    """Stretch the config's epoch-based schedule to ``epochs``: validation points and by-epoch schedulers too.

    The validation interval and start keep their share of the schedule (e.g. 75 %), at least one epoch.
    """
    old = cfg.train_cfg.max_epochs
    cfg.train_cfg.max_epochs = epochs
    for key in ('val_interval', 'val_begin'):
        if key in cfg.train_cfg:
            cfg.train_cfg[key] = max(1, round(cfg.train_cfg[key] * epochs / old))
    for scheduler in cfg.param_scheduler:
        if scheduler.get('by_epoch', True):
            for key in ('begin', 'end', 'T_max'):
                if key in scheduler:
                    scheduler[key] = round(scheduler[key] * epochs / old)


def load_with_epochs(config: str | Path, epochs: int | None) -> Config:
    """Load ``config``, its schedule stretched to ``epochs`` (see :func:`set_epochs`) when given."""
    cfg = load_config(config)
    if epochs is not None:
        set_epochs(cfg, epochs)
    return cfg


def set_data_root(cfg: Config, root: str | Path, val_ann_file: str = 'annotations/instances_val.json') -> None:
    """Point the config's train, val and test data at ``root`` and the evaluators at its ``val_ann_file``."""
    root = f'{Path(root)}/'
    for loader in LOADERS:
        cfg[loader].dataset.data_root = root
    for evaluator in ('val_evaluator', 'test_evaluator'):
        cfg[evaluator].ann_file = f'{root}{val_ann_file}'
