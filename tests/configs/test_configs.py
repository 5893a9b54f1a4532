"""Every config builds, its head channels come from its backbone, and each detector runs on CPU."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.testing import demo_mm_inputs
from mmengine.config import Config

from shufflenet_det.engine import check_arguments

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs').rglob('*.py') if '_base_' not in p.parts)
# One config per distinct model (the *_300 twins differ only in the data pipeline).
MODEL_CONFIGS = [c for c in CONFIGS if not c.endswith('_300.py')]


def load(path: str) -> Config:
    return Config.fromfile(str(ROOT / path))


@pytest.fixture(scope='module', params=CONFIGS)
def config(request):
    return load(request.param)


def test_there_are_paper_and_demo_configs():
    names = {Path(c).name for c in CONFIGS}
    for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1'):
        assert f'frcnn_{model}.py' in names and f'frcnn_{model}_300.py' in names


def test_head_channels_and_strides_come_from_the_backbone(config):
    detector = MODELS.build(config.model)
    backbone, roi_head = detector.backbone, detector.roi_head
    assert len(backbone.out_indices) == 1 and backbone.strides == (16, )
    assert detector.rpn_head.in_channels == backbone.out_channels[-1]
    assert roi_head.bbox_roi_extractor.out_channels == backbone.out_channels[-1]
    assert roi_head.bbox_roi_extractor.featmap_strides == list(backbone.strides)
    # The shared head is the stage right after the RPN's stage, and the box head reads its channels.
    stage_after = backbone.stage_names[backbone.out_indices[-1] + 1]
    assert roi_head.shared_head.stage_name == stage_after
    shared_stage = getattr(roi_head.shared_head, stage_after)
    full_backbone = type(backbone)(**{**_backbone_kwargs(config), 'out_indices': (len(backbone.stage_names) - 1, )})
    assert [p.shape for p in shared_stage.parameters()] == [
        p.shape for p in getattr(full_backbone, stage_after).parameters()]
    assert not hasattr(backbone, stage_after)  # built once, in the RoI head only
    assert roi_head.bbox_head.in_channels == roi_head.shared_head.out_channels


def test_every_component_argument_is_known(config):
    check_arguments(config)


def _backbone_kwargs(config: Config) -> dict:
    kwargs = dict(config.model.backbone)
    kwargs.pop('type')
    return kwargs


def test_scale_of_the_test_pipeline(config):
    resize = next(t for t in config.test_dataloader.dataset.pipeline if t['type'] == 'Resize')
    if 'demo' in config.filename:
        return
    expected = (500, 300) if config.filename.endswith('_300.py') else (1000, 600)
    assert tuple(resize['scale']) == expected
    assert config.model.test_cfg.rpn.max_per_img == 300


@pytest.mark.parametrize('path', MODEL_CONFIGS)
def test_detector_runs_loss_and_predict_on_small_images(path):
    cfg = load(path)
    # Few RoIs keep the per-RoI stage cheap on a CPU; the layout is unchanged.
    cfg.model.train_cfg.rpn_proposal.max_per_img = 32
    cfg.model.train_cfg.rcnn.sampler.num = 8
    cfg.model.test_cfg.rpn.max_per_img = 8
    # configs/pretrained/ load converted ImageNet weights a checkout does not have (their loading is tested in
    # tests/checkpoints/test_pretrained_configs.py): initialise those detectors like the others.
    for backbone in (cfg.model.backbone, cfg.model.roi_head.shared_head.backbone):
        backbone.pop('init_cfg', None)
    detector = MODELS.build(cfg.model)
    detector.init_weights()
    num_classes = detector.roi_head.bbox_head.num_classes
    packed = demo_mm_inputs(2, [[3, 96, 128], [3, 128, 96]], num_classes=num_classes)
    losses = detector(**detector.data_preprocessor(packed, True), mode='loss')
    total = sum(sum(v) if isinstance(v, list) else v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert detector.roi_head.shared_head.training and any(
        p.grad is not None for p in detector.roi_head.shared_head.parameters())
    detector.eval()
    with torch.no_grad():
        results = detector(**detector.data_preprocessor(packed, False), mode='predict')
    assert len(results) == 2
    for result in results:
        assert result.pred_instances.bboxes.shape[1] == 4
        assert (result.pred_instances.labels < num_classes).all()


def test_training_without_coco_stops_with_the_download_instructions(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / 'tools/train.py'), str(ROOT / 'configs/frcnn_shufflenet_2x.py')],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)  # a directory without data/coco
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr
    assert 'instances_train2017.json' in result.stderr and 'cocodataset.org' in result.stderr
