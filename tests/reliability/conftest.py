"""Fixtures of the reliability tests: a real MMEngine checkpoint, a crafted one, tiny data, and running the tools."""

import importlib.util
import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from annotation_readers import AnnotationReaders
from mmdet.utils import register_all_modules
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from PIL import Image
from torch import nn
from torch.utils.data import Dataset

from shufflenet_det.datasets import generate_dataset
from shufflenet_det.engine import AtomicCheckpointHook, StopOnDivergenceHook

ROOT = Path(__file__).resolve().parents[2]

register_all_modules()


@pytest.fixture
def warnings_seen(caplog):
    """What MMEngine's current logger (which does not propagate to the root logger) warns."""
    logger = MMLogger.get_current_instance()
    logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.WARNING)
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture(autouse=True)
def mmdet_scope() -> None:
    """MMDetection's registries as the default scope, as the tools have them (a test's runner may change it)."""
    init_default_scope('mmdet')


class TinyModel(BaseModel):
    """A one-layer model: MMEngine's training state around it is what a detector's checkpoints hold too."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs: torch.Tensor, mode: str = 'loss') -> dict:
        return dict(loss=((self.linear(inputs) - 1) ** 2).mean())


class TinyData(Dataset):
    def __len__(self) -> int:
        return 4

    def __getitem__(self, index: int) -> dict:
        return dict(inputs=torch.full((2, ), float(index)))


def train_tiny(work_dir: Path, max_epochs: int, max_keep_ckpts: int = -1, resume: bool = False,
               model: BaseModel | None = None) -> Runner:
    """Train ``model`` (a ``TinyModel``) with AdamW, two schedulers, ``AtomicCheckpointHook`` saving every epoch and
    ``StopOnDivergenceHook``, as the project's runtime config has them."""
    runner = Runner(
        model=model or TinyModel(), work_dir=str(work_dir), experiment_name=f'tiny_{len(list(work_dir.glob("*")))}',
        train_dataloader=dict(dataset=TinyData(), sampler=dict(type='DefaultSampler', shuffle=True), batch_size=2,
                              collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs), optim_wrapper=dict(optimizer=dict(type='AdamW', lr=0.01)),
        param_scheduler=[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=3),
                         dict(type='CosineAnnealingLR', by_epoch=True, T_max=max_epochs)],
        default_hooks=dict(checkpoint=AtomicCheckpointHook(interval=1, max_keep_ckpts=max_keep_ckpts),
                           divergence=StopOnDivergenceHook()),
        randomness=dict(seed=0), resume=resume, log_level='WARNING')
    runner.train()
    return runner


@pytest.fixture(scope='session')
def tiny_work_dir(tmp_path_factory) -> Path:
    """A work dir with epoch_1.pth .. epoch_3.pth of a real (tiny) MMEngine training run."""
    work_dir = tmp_path_factory.mktemp('tiny_run')
    train_tiny(work_dir, max_epochs=3)
    return work_dir


class CreatesAFolder:
    """Unpickling this runs ``os.mkdir(path)``: a stand-in for any code a crafted checkpoint could run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return os.mkdir, (str(self.path), )


@pytest.fixture
def crafted_checkpoint(tmp_path) -> tuple[Path, Path]:
    """A checkpoint whose loading with ``weights_only=False`` would create a folder; (file, folder)."""
    folder = tmp_path / 'payload_ran'
    path = tmp_path / 'crafted.pth'
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'meta': CreatesAFolder(folder)}, path)
    return path, folder


@pytest.fixture(scope='session')
def tiny_shapes(tmp_path_factory) -> Path:
    """The built-in shapes dataset with 4 training and 2 validation images."""
    root = tmp_path_factory.mktemp('shapes')
    generate_dataset(root, num_train=4, num_val=2)
    return root


def write_tiny_detector_config(path: Path, data_root: Path, max_epochs: int = 3, extra: str = '') -> Path:
    """The demo ShuffleNet detector on ``data_root``'s images at 96 px in batches of 2, a checkpoint every epoch
    and only the last kept, without validation; ``extra`` lines are appended."""
    path.write_text(f"""_base_ = '{ROOT / 'configs/demo/shapes_frcnn_shufflenet.py'}'
_pipeline = [dict(type='LoadImageFromFileChecked'), dict(type='LoadAnnotations', with_bbox=True),
             dict(type='Resize', scale=(96, 96), keep_ratio=True), dict(type='PackDetInputs')]
train_dataloader = dict(batch_size=2, dataset=dict(data_root='{data_root}/', pipeline=_pipeline))
val_cfg = val_dataloader = val_evaluator = test_cfg = test_dataloader = test_evaluator = None
train_cfg = dict(max_epochs={max_epochs}, val_interval=100)
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=1))
log_level = 'WARNING'
{extra}""")
    return path


def run_tool_in_process(tool: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run ``tools/<tool>`` in this process; return the message it exits with (a tool error ends every run here)."""
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(ROOT / 'tools' / tool), run_name='__main__')
    return str(exit_info.value.code)


def run_tool(tool: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``tools/<tool>`` in a fresh interpreter, as a user does."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / 'tools' / tool), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


def load_onnx_fixture_module():
    """``tests/deploy/onnx_fixture.py``: the tiny ONNX model with the exported detectors' inputs and outputs."""
    spec = importlib.util.spec_from_file_location('onnx_fixture_for_reliability',
                                                  ROOT / 'tests' / 'deploy' / 'onnx_fixture.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def onnx_fixture():
    """The fixture model's module: ``write_fixture_model``, ``BOX_FRACTIONS``, ``CLASSES`` (red, green, blue)."""
    return load_onnx_fixture_module()


@pytest.fixture(scope='session')
def device_model(onnx_fixture, tmp_path_factory) -> Path:
    """The fixture model exported as the exporter does: one 'green' box at a fixed place on green images."""
    return onnx_fixture.write_fixture_model(tmp_path_factory.mktemp('device_model'))


@pytest.fixture
def colour_dataset(onnx_fixture, tmp_path) -> Path:
    """Three green PNGs with one 'green' box each where the fixture model puts it, and their COCO file.

    Returns:
        The annotation file (categories red, green, blue with ids 1, 2, 3); the images are in its folder's
        ``images``.
    """
    image_dir = tmp_path / 'colour' / 'images'
    image_dir.mkdir(parents=True)
    height, width = 90, 150
    x1, y1, x2, y2 = (onnx_fixture.BOX_FRACTIONS[1] * [width, height, width, height]).tolist()
    images, annotations = [], []
    for index in range(1, 4):
        pixels = np.zeros((height, width, 3), np.uint8)
        pixels[..., 1] = 90 + 20 * index
        Image.fromarray(pixels).save(image_dir / f'{index}.png')
        images.append({'id': index, 'file_name': f'{index}.png', 'width': width, 'height': height})
        annotations.append({'id': index, 'image_id': index, 'category_id': 2, 'bbox': [x1, y1, x2 - x1, y2 - y1],
                            'area': (x2 - x1) * (y2 - y1), 'iscrowd': 0})
    ann_file = tmp_path / 'colour' / 'instances.json'
    ann_file.write_text(json.dumps({'images': images, 'annotations': annotations, 'categories': [
        {'id': 1, 'name': 'red'}, {'id': 2, 'name': 'green'}, {'id': 3, 'name': 'blue'}]}))
    return ann_file



@pytest.fixture
def readers(device_model) -> AnnotationReaders:
    """The dataset, tools/test.py's metric and tools/test_onnx.py (on the fixture model) reading one file."""
    return AnnotationReaders(device_model)
