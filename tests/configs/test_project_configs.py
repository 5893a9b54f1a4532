"""Config naming per scale, a config's input scale, and the configs found through the package."""

import pytest
from mmengine.config import Config

from shufflenet_det.core.project_configs import (
    TYPICAL_IMAGE,
    config_for,
    config_root,
    config_scale,
    export_name,
    input_scale_for,
    scaled_config_name,
)
from shufflenet_det.deploy.preprocess import InputScale


def test_configs_are_reached_through_the_package():
    assert (config_root() / '_base_').is_dir()
    assert config_for('frcnn_shufflenet_2x', 600).name == 'frcnn_shufflenet_2x.py'
    assert config_for('frcnn_shufflenet_2x', 300).name == 'frcnn_shufflenet_2x_300.py'
    assert scaled_config_name('frcnn_mobilenet_v1', 300) == 'frcnn_mobilenet_v1_300'
    with pytest.raises(FileNotFoundError, match='scales 300 and 600'):
        config_for('frcnn_shufflenet_2x', 450)


@pytest.mark.parametrize('stem, scale, expected', [('frcnn_shufflenet_2x', 600, InputScale(600, 1000)),
                                                   ('frcnn_shufflenet_2x', 300, InputScale(300, 500))])
def test_config_scale_reads_the_test_resize(stem, scale, expected):
    assert config_scale(Config.fromfile(str(config_for(stem, scale)))) == expected
    assert input_scale_for(scale) == expected


def test_input_scale_resize_and_names():
    assert InputScale(600, 1000).resized_size(*TYPICAL_IMAGE) == (600, 800)
    assert InputScale(300, 500).resized_size(480, 1280) == (188, 500)
    with pytest.raises(ValueError, match='scale <= max_size'):
        InputScale(600, 500)
    assert export_name('configs/frcnn_shufflenet_2x_300.py', 300) == 'frcnn_shufflenet_2x_300'
    assert export_name('configs/frcnn_shufflenet_2x.py', 600) == 'frcnn_shufflenet_2x_600'
