"""The ImageNet initialisation of the paper's detectors: check the converted file is there, or leave it out."""

import copy
from pathlib import Path

from mmengine.config import Config, ConfigDict

from ..core.project_configs import config_nodes

#: ``--cfg-options`` that train a config's detector from random weights, every layer and BN statistic learning.
FROM_SCRATCH_OPTIONS = 'model.backbone.init_cfg=None model.backbone.frozen_stages=-1 model.backbone.norm_eval=False'


class MissingPretrainedError(FileNotFoundError):
    """A config starts from converted ImageNet weights that are not on disk."""


def _pretrained_owners(model_cfg: dict) -> list[dict]:
    """Every dict inside ``model_cfg`` whose ``init_cfg`` is a ``Pretrained`` init config (depth first)."""
    return [node for _, node in config_nodes(model_cfg)
            if isinstance(node, dict) and isinstance(node.get('init_cfg'), dict)
            and node['init_cfg'].get('type') == 'Pretrained']


def pretrained_files(model_cfg: dict) -> list[str]:
    """The local checkpoint files the model's ``Pretrained`` init configs load (URLs and schemes excluded)."""
    files = [owner['init_cfg'].get('checkpoint') for owner in _pretrained_owners(model_cfg)]
    return [file for file in files if file and '://' not in file]


def require_pretrained_files(cfg: Config, config_path: str) -> None:
    """Stop before anything is built when the ImageNet weights a config starts from are missing.

    Args:
        cfg: The loaded config.
        config_path: The config file, named in the message.

    Raises:
        MissingPretrainedError: Naming the missing file, the command that converts it, docs/reproduce.md and the
            ``--cfg-options`` that train from random weights instead.
    """
    from . import SOURCES, find_architecture

    for file in pretrained_files(cfg.model):
        if Path(file).is_file():
            continue
        try:
            source = find_architecture(Path(file).stem)[0].name
        except KeyError:
            source = f'<{"|".join(SOURCES)}>'
        raise MissingPretrainedError(
            f'{config_path} starts from ImageNet weights in {file}, which does not exist. Download the published '
            f'weights (docs/reproduce.md says where) and convert them:\n'
            f'    python tools/convert_checkpoint.py {source} <downloaded file>\n'
            f'or train the same detector from random weights with\n'
            f'    --cfg-options {FROM_SCRATCH_OPTIONS}\n'
            f'(configs/scratch/*_scratch.py are these from-scratch layouts).')


def without_pretrained(model_cfg: dict) -> ConfigDict:
    """A copy of ``model_cfg`` whose ``Pretrained`` init configs are removed, for random-weight models.

    Modules whose ``init_cfg`` was ``Pretrained`` fall back to their own default initialisation.
    """
    model_cfg = ConfigDict(copy.deepcopy(model_cfg))
    for owner in _pretrained_owners(model_cfg):
        owner['init_cfg'] = None
    return model_cfg
