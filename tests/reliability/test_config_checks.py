"""Misspelt options and arguments stop the tools before anything runs, with the key meant; channels are checked."""

from pathlib import Path

import mmdet
import pytest
from conftest import ROOT, run_tool, run_tool_in_process
from mmdet.registry import MODELS
from mmengine.config import Config

from shufflenet_det.cli.run_setup import load_run_config
from shufflenet_det.core.errors import ConfigError
from shufflenet_det.engine import check_arguments, check_detector_channels

DEMO_CONFIG = str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py')
MMDET_CONFIG_ROOT = Path(mmdet.__file__).parent / '.mim/configs'


@pytest.mark.parametrize('option, message', [
    ('model.backbone.widen_factr=2',
     "model.backbone.widen_factr: ShuffleNetV1 takes no argument 'widen_factr' (did you mean 'widen_factor'?)"),
    ('optim_wraper.optimizer.lr=0.1',
     "--cfg-options optim_wraper.optimizer.lr: the config has no key 'optim_wraper' (did you mean 'optim_wrapper'?)"),
    ('max_epoch=1', "--cfg-options max_epoch: the config has no key 'max_epoch' (did you mean 'max_epochs'?)"),
    ('max_epochs=1', "'max_epochs' is a variable of the config file, read once when the file was parsed, so "
                     'changing it now changes nothing; set the keys that took its value instead: train_cfg.max_epochs'),
    ('data_root=/elsewhere/', 'set the keys that took its value instead: train_dataloader.dataset.data_root, '
                              'val_dataloader.dataset.data_root, test_dataloader.dataset.data_root'),
    ('default_hooks.checkpoint.intervall=1',
     "default_hooks.checkpoint.intervall: AtomicCheckpointHook takes no argument 'intervall' (did you mean "
     "'interval'?)"),
    ('optim_wrapper.optimizer.lrr=0.1', "AdamW takes no argument 'lrr' (did you mean 'lr'?)"),
    ('train_dataloader.batch_sise=2', "train_dataloader has no key 'batch_sise'; did you mean 'batch_size'?"),
    ('train_cfg.max_epoch=1', "EpochBasedTrainLoop takes no argument 'max_epoch' (did you mean 'max_epochs'?)"),
])
def test_each_typo_is_refused_with_the_key_meant(option, message):
    key, value = option.split('=')
    with pytest.raises(ConfigError) as error:
        load_run_config(DEMO_CONFIG, {key: value}, None, 'none')
    assert message in str(error.value)


def test_valid_options_pass(tmp_path):
    options = {'train_dataloader.dataset.data_root': 'x/', 'train_cfg.max_epochs': 1, 'randomness.deterministic': True,
               'model.backbone.frozen_stages': 1, 'default_hooks.checkpoint.max_keep_ckpts': 1,
               'param_scheduler.1.eta_min': 0.0}
    cfg = load_run_config(DEMO_CONFIG, options, str(tmp_path), 'none')
    assert cfg.train_cfg.max_epochs == 1 and cfg.randomness.deterministic


def test_a_runner_setting_the_config_leaves_at_its_default_can_be_set(tmp_path):
    coco_config = str(ROOT / 'configs/scratch/frcnn_shufflenet_1x_scratch.py')
    assert 'randomness' not in Config.fromfile(coco_config)
    cfg = load_run_config(coco_config, {'randomness.seed': 0}, str(tmp_path), 'none')
    assert cfg.randomness.seed == 0


def test_a_typo_in_a_config_file_is_named_too(tmp_path):
    config = tmp_path / 'typo.py'
    config.write_text(f"_base_ = '{DEMO_CONFIG}'\ndefault_hooks = dict(checkpoint=dict(intervall=1))\n")
    with pytest.raises(ConfigError, match="AtomicCheckpointHook takes no argument 'intervall'"):
        load_run_config(str(config), None, None, 'none')


#: (The project's own configs are checked in tests/configs/test_configs.py.)
#: MMDetection configs of several families, including the multiple-inheritance heads (VFNet) and layer configs
#: (SyncBN, DCN) that the check must leave alone.
MMDET_CONFIGS = ('faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py', 'faster_rcnn/faster-rcnn_r50-caffe_c4-1x_coco.py',
                 'retinanet/retinanet_r50_fpn_1x_coco.py', 'mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py',
                 'fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py', 'yolox/yolox_s_8xb8-300e_coco.py',
                 'ssd/ssdlite_mobilenetv2-scratch_8xb24-600e_coco.py', 'detr/detr_r50_8xb2-150e_coco.py',
                 'vfnet/vfnet_r50_fpn_1x_coco.py', 'dcn/faster-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py',
                 'gcnet/mask-rcnn_r50-syncbn_fpn_1x_coco.py')


@pytest.mark.parametrize('config', MMDET_CONFIGS)
def test_mmdetection_configs_pass(config):
    check_arguments(Config.fromfile(str(MMDET_CONFIG_ROOT / config)))


def test_backbone_channels_that_do_not_match_the_rpn_are_named():
    cfg = Config.fromfile(str(MMDET_CONFIG_ROOT / 'faster_rcnn/faster-rcnn_r50-caffe_c4-1x_coco.py'))
    cfg.model.backbone = dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, ))  # 240 channels
    with pytest.raises(ConfigError, match=r'model.rpn_head.in_channels is 1024 but the backbone \(ShuffleNetV1\) '
                                          r'outputs have 240 channels: set model.rpn_head.in_channels=240'):
        check_detector_channels(MODELS.build(cfg.model))


def test_a_hand_written_faster_rcnn_is_checked_too():
    cfg = Config.fromfile(str(MMDET_CONFIG_ROOT / 'faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'))
    cfg.model.backbone.depth = 18  # ResNet-18 outputs 64..512 channels; the FPN still expects 256..2048
    with pytest.raises(ConfigError, match=r'model.neck.in_channels is \[256, 512, 1024, 2048\] but the backbone '
                                          r'\(ResNet\) outputs have \[64, 128, 256, 512\] channels'):
        check_detector_channels(MODELS.build(cfg.model))


def test_matching_channels_pass_and_training_mode_is_kept():
    detector = MODELS.build(Config.fromfile(DEMO_CONFIG).model)
    detector.train()
    check_detector_channels(detector)
    assert all(module.training for module in detector.modules())


def test_train_tool_exits_with_the_message(monkeypatch):
    message = run_tool_in_process('train.py', DEMO_CONFIG, '--cfg-options', 'max_epoch=1', monkeypatch=monkeypatch)
    assert message == "error: --cfg-options max_epoch: the config has no key 'max_epoch' (did you mean 'max_epochs'?)"


@pytest.mark.slow  # two fresh interpreters importing MMDetection
def test_train_tool_prints_the_error_alone_and_debug_keeps_the_traceback():
    result = run_tool('train.py', DEMO_CONFIG, '--cfg-options', 'model.backbone.widen_factr=2')
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: model.backbone.widen_factr: ShuffleNetV1 takes")
    debug = run_tool('train.py', DEMO_CONFIG, '--debug', '--cfg-options', 'model.backbone.widen_factr=2')
    assert debug.returncode == 1 and 'Traceback' in debug.stderr and 'ConfigError' in debug.stderr
