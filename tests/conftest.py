"""Shared test setup: register the project's modules, seed torch, skip GPU tests without a GPU, and a briefly
trained detector."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import shufflenet_det.datasets  # noqa: F401  (registers datasets and transforms)
import shufflenet_det.models  # noqa: F401  (registers backbones and heads)
from shufflenet_det.cli.run_setup import adapt_to_cpu
from shufflenet_det.datasets import generate_dataset

ROOT = Path(__file__).resolve().parents[1]

torch.manual_seed(0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``gpu``, saying why, where torch sees no CUDA GPU."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason='needs a CUDA GPU: torch.cuda.is_available() is False here (make doctor says why)')
    for item in items:
        if item.get_closest_marker('gpu') is not None:
            item.add_marker(skip)


@dataclass(frozen=True)
class TrainedDetector:
    """A demo detector trained briefly on a small built-in dataset: real, non-empty detections."""

    config: Path
    checkpoint: Path
    val_images: Path


def train_briefly(config_name: str, root: Path) -> TrainedDetector:
    """Train ``configs/demo/<config_name>.py`` for 16 iterations on 32 images of a fresh dataset under ``root``."""
    data_root = root / 'shapes'
    generate_dataset(data_root, num_train=32, num_val=4)
    config = ROOT / f'configs/demo/{config_name}.py'
    cfg = Config.fromfile(str(config))
    cfg.work_dir = str(root / 'work')
    cfg.train_dataloader.dataset.data_root = f'{data_root}/'
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2, val_interval=100)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint.interval = 2
    cfg.log_level = 'WARNING'
    adapt_to_cpu(cfg, 'none')
    Runner.from_cfg(cfg).train()
    return TrainedDetector(config, root / 'work' / 'epoch_2.pth', data_root / 'val')


@pytest.fixture(scope='session')
def trained_shapes_detector(tmp_path_factory: pytest.TempPathFactory) -> TrainedDetector:
    """``configs/demo/shapes_frcnn_shufflenet.py`` (C4) trained briefly (about a minute)."""
    return train_briefly('shapes_frcnn_shufflenet', tmp_path_factory.mktemp('trained'))


@pytest.fixture(scope='session')
def trained_light_head_detector(tmp_path_factory: pytest.TempPathFactory) -> TrainedDetector:
    """``configs/demo/shapes_frcnn_lh_shufflenet.py`` (light head) trained briefly."""
    return train_briefly('shapes_frcnn_lh_shufflenet', tmp_path_factory.mktemp('trained_light_head'))
