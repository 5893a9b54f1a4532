"""The paper's configs load converted ImageNet weights into backbone and shared head, with the right input."""

from pathlib import Path

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config
from source_layouts import MegviiShuffleNetV1, MmpretrainClassifier, TimmMobileNetV1, randomize

from shufflenet_det.checkpoints import SOURCES, convert_file, find_architecture

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'configs').glob('frcnn_*.py'))
#: One config per source, with a local stand-in of the source network it loads.
LOADING_CASES = [('configs/frcnn_shufflenet_1x_300.py', 'megvii', lambda: MegviiShuffleNetV1(3, 1.0)),
                 ('configs/frcnn_shufflenet_1x_mmpretrain_300.py', 'mmpretrain', lambda: MmpretrainClassifier(3)),
                 ('configs/frcnn_mobilenet_v1_300.py', 'timm', TimmMobileNetV1)]
CASE_IDS = [Path(path).stem for path, _, _ in LOADING_CASES]


def test_the_papers_detectors_start_from_imagenet_weights_at_both_scales():
    names = {Path(path).name for path in CONFIGS}
    for model in ('shufflenet_2x', 'shufflenet_1x', 'shufflenet_1x_mmpretrain', 'mobilenet_v1'):
        assert f'frcnn_{model}.py' in names and f'frcnn_{model}_300.py' in names


@pytest.mark.parametrize('path', CONFIGS)
def test_config_matches_the_architecture_and_input_of_its_checkpoint(path):
    cfg = Config.fromfile(str(ROOT / path))
    backbone = cfg.model.backbone
    init_cfg = backbone.init_cfg
    assert init_cfg.type == 'Pretrained' and init_cfg.prefix == 'backbone.'
    assert backbone.frozen_stages == 0 and backbone.norm_eval
    checkpoint = Path(init_cfg.checkpoint)
    assert checkpoint.parent == Path('checkpoints') and checkpoint.suffix == '.pth'
    source, architecture = find_architecture(checkpoint.stem)
    for key, value in architecture.backbone.items():
        assert backbone[key] == value
    for key, value in source.input_format.items():
        assert cfg.model.data_preprocessor[key] == value


@pytest.mark.parametrize('path,source,network', LOADING_CASES, ids=CASE_IDS)
def test_detector_gets_the_converted_weights_in_backbone_and_shared_head(path, source, network, tmp_path):
    source_network = network()
    randomize(source_network, torch.randn(1, 3, 64, 64))
    torch.save(source_network.checkpoint(), tmp_path / 'downloaded.pth')
    converted = convert_file(source, tmp_path / 'downloaded.pth')
    converted.save(str(tmp_path / 'converted.pth'))
    cfg = Config.fromfile(str(ROOT / path))
    cfg.model.backbone.init_cfg.checkpoint = str(tmp_path / 'converted.pth')

    detector = MODELS.build(cfg.model)
    detector.init_weights()
    shared_head = detector.roi_head.shared_head
    loaded = {**detector.backbone.state_dict(), **shared_head.state_dict()}
    assert {f'backbone.{key}' for key in loaded} == {key for key in converted.state_dict if key.startswith('backbone.')}
    for key, value in loaded.items():
        assert torch.equal(value, converted.state_dict[f'backbone.{key}']), key
    assert shared_head.stage_name in ('stage4', 'stage5') and not hasattr(detector.backbone, shared_head.stage_name)


@pytest.mark.parametrize('path,source,network', LOADING_CASES, ids=CASE_IDS)
def test_data_preprocessor_gives_the_sources_input(path, source, network):
    cfg = Config.fromfile(str(ROOT / path))
    detector_preprocessor = MODELS.build(cfg.model.data_preprocessor)
    bgr = torch.randint(0, 256, (64, 96, 3), dtype=torch.uint8)  # as mmcv loads images: HxWx3, BGR
    ours = detector_preprocessor({'inputs': [bgr.permute(2, 0, 1)]}, False)['inputs'][0]
    theirs = network().preprocess(bgr)
    assert SOURCES[source].input_format['bgr_to_rgb'] == cfg.model.data_preprocessor.bgr_to_rgb
    assert ours.shape == theirs.shape and (ours - theirs).abs().max() < 1e-5
