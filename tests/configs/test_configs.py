"""Every config builds, its head channels come from its backbone, and each detector runs on CPU."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.testing import demo_mm_inputs
from mmengine.config import Config

from shufflenet_det.checkpoints.imagenet_init import FROM_SCRATCH_OPTIONS, pretrained_files, without_pretrained
from shufflenet_det.engine import check_arguments

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs').rglob('*.py') if '_base_' not in p.parts)
# One config per distinct model (the *_300 twins differ only in the data pipeline).
MODEL_CONFIGS = [c for c in CONFIGS if not c.endswith('_300.py')]
# The light-head layout (*_lh_*) has its own channel checks in tests/models/test_light_head.py.
C4_CONFIGS = [c for c in CONFIGS if '_lh_' not in Path(c).name]


def load(path: str) -> Config:
    return Config.fromfile(str(ROOT / path))


@pytest.fixture(scope='module', params=CONFIGS)
def config(request):
    return load(request.param)


@pytest.fixture(scope='module', params=C4_CONFIGS)
def c4_config(request):
    return load(request.param)


def test_there_are_paper_and_from_scratch_configs():
    for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1'):
        for stem in (f'configs/frcnn_{model}', f'configs/scratch/frcnn_{model}_scratch'):
            assert f'{stem}.py' in CONFIGS and f'{stem}_300.py' in CONFIGS


def test_configs_name_no_channel_numbers():
    for path in (ROOT / 'configs').rglob('*.py'):
        # Layout widths (feat_channels, fc_out_channels, bin_channels) are design choices, not derived numbers.
        assert not re.search(r'\b(in|out)_channels *= *[0-9]', path.read_text()), path


def test_paper_configs_start_from_imagenet_weights_and_scratch_ones_do_not():
    for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1'):
        paper, scratch = load(f'configs/frcnn_{model}.py'), load(f'configs/scratch/frcnn_{model}_scratch.py')
        assert pretrained_files(paper.model) and paper.model.backbone.norm_eval
        assert not pretrained_files(scratch.model) and not scratch.model.backbone.get('norm_eval', False)
        assert without_pretrained(paper.model).backbone.init_cfg is None
        # The per-RoI stage is initialised from the same converted file as the backbone.
        detector = MODELS.build(paper.model)
        assert detector.roi_head.shared_head.init_cfg == detector.backbone.init_cfg
        assert detector.backbone.init_cfg['type'] == 'Pretrained'


def test_light_head_configs_share_the_c4_configs_imagenet_weights_and_input_format():
    for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1'):
        for scale in ('', '_300'):
            c4, light = load(f'configs/frcnn_{model}{scale}.py'), load(f'configs/lighthead/frcnn_lh_{model}{scale}.py')
            assert pretrained_files(light.model) == pretrained_files(c4.model)
            assert light.model.data_preprocessor == c4.model.data_preprocessor
            for key in ('frozen_stages', 'norm_eval', 'act_cfg'):
                assert light.model.backbone.get(key) == c4.model.backbone.get(key), key


def test_head_channels_and_strides_come_from_the_backbone(c4_config):
    config = c4_config
    detector = MODELS.build(without_pretrained(config.model))
    backbone, roi_head = detector.backbone, detector.roi_head
    assert len(backbone.out_indices) == 1 and backbone.strides == (16, )
    assert detector.rpn_head.in_channels == backbone.out_channels[-1]
    assert roi_head.bbox_roi_extractor.out_channels == backbone.out_channels[-1]
    assert roi_head.bbox_roi_extractor.featmap_strides == list(backbone.strides)
    assert detector.rpn_head.prior_generator.strides == [(s, s) for s in backbone.strides]
    # The shared head is the stage right after the RPN's stage, and the box head reads its channels.
    stage_after = backbone.stage_names[backbone.out_indices[-1] + 1]
    assert roi_head.shared_head.stage_name == stage_after
    shared_stage = getattr(roi_head.shared_head, stage_after)
    full_backbone = type(backbone)(**{**_backbone_kwargs(config), 'out_indices': (len(backbone.stage_names) - 1, )})
    assert [p.shape for p in shared_stage.parameters()] == [
        p.shape for p in getattr(full_backbone, stage_after).parameters()]
    assert not hasattr(backbone, stage_after)  # built once, in the RoI head only
    assert roi_head.bbox_head.in_channels == roi_head.shared_head.out_channels
    assert roi_head.shared_head.norm_eval == backbone.norm_eval


def test_every_component_argument_is_known(config):
    check_arguments(config)


def _backbone_kwargs(config: Config) -> dict:
    kwargs = dict(without_pretrained(config.model).backbone)
    kwargs.pop('type')
    return kwargs


def test_scale_of_the_test_pipeline(config):
    resize = next(t for t in config.test_dataloader.dataset.pipeline if t['type'] == 'Resize')
    if 'demo' in config.filename:
        return
    expected = (500, 300) if config.filename.endswith('_300.py') else (1000, 600)
    assert tuple(resize['scale']) == expected
    # 300 proposals for the C4 layout (the MobileNets paper), 200 for the light head (ThunderNet).
    assert config.model.test_cfg.rpn.max_per_img == (200 if config.model.type == 'LightHeadRCNN' else 300)


@pytest.mark.parametrize('path', MODEL_CONFIGS)
def test_detector_runs_loss_and_predict_on_small_images(path):
    cfg = load(path)
    # Few RoIs keep the per-RoI stage cheap on a CPU; the layout is unchanged.
    cfg.model.train_cfg.rpn_proposal.max_per_img = 32
    cfg.model.train_cfg.rcnn.sampler.num = 8
    cfg.model.test_cfg.rpn.max_per_img = 8
    # The paper's configs load converted ImageNet weights a checkout does not have (their loading is tested in
    # tests/checkpoints/test_pretrained_configs.py): initialise those detectors like the others.
    detector = MODELS.build(without_pretrained(cfg.model))
    detector.init_weights()
    num_classes = detector.roi_head.bbox_head.num_classes
    packed = demo_mm_inputs(2, [[3, 96, 128], [3, 128, 96]], num_classes=num_classes)
    losses = detector(**detector.data_preprocessor(packed, True), mode='loss')
    total = sum(sum(v) if isinstance(v, list) else v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    roi_head = detector.roi_head
    per_roi_layers = roi_head.shared_head if roi_head.with_shared_head else roi_head.bbox_head
    assert per_roi_layers.training and any(p.grad is not None for p in per_roi_layers.parameters())
    detector.eval()
    with torch.no_grad():
        results = detector(**detector.data_preprocessor(packed, False), mode='predict')
    assert len(results) == 2
    for result in results:
        assert result.pred_instances.bboxes.shape[1] == 4
        assert (result.pred_instances.labels < num_classes).all()


def test_training_without_imagenet_weights_stops_with_the_conversion_command(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / 'tools/train.py'), str(ROOT / 'configs/frcnn_shufflenet_2x.py')],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)  # a directory without checkpoints/
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr
    for expected in ('checkpoints/shufflenet_v1_2x_g3_megvii.pth', 'tools/convert_checkpoint.py megvii',
                     'docs/reproduce.md', FROM_SCRATCH_OPTIONS):
        assert expected in result.stderr


def test_training_without_coco_stops_with_the_download_instructions(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / 'tools/train.py'), str(ROOT / 'configs/scratch/frcnn_shufflenet_2x_scratch.py')],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)  # a directory without data/coco
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr
    assert 'instances_train2017.json' in result.stderr and 'cocodataset.org' in result.stderr
