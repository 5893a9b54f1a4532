"""A checkpoint that does not fit the config stops test.py (and export) with its keys listed, exit status 1."""

import pytest
import torch
from conftest import ROOT, run_tool_in_process
from mmdet.registry import MODELS
from mmengine.config import Config

from shufflenet_det.checkpoints import CheckpointMismatchError, load_weights

SHUFFLENET = ROOT / 'configs/demo/shapes_frcnn_shufflenet.py'
MOBILENET = ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'


@pytest.fixture(scope='module')
def shufflenet_checkpoint(tmp_path_factory):
    detector = MODELS.build(Config.fromfile(str(SHUFFLENET)).model)
    path = tmp_path_factory.mktemp('strict') / 'shufflenet.pth'
    torch.save({'meta': {'epoch': 1}, 'state_dict': detector.state_dict()}, path)
    return path


def test_a_checkpoint_of_another_architecture_is_refused_with_its_keys(shufflenet_checkpoint):
    detector = MODELS.build(Config.fromfile(str(MOBILENET)).model)
    before = {key: value.clone() for key, value in detector.state_dict().items()}
    with pytest.raises(CheckpointMismatchError) as error:
        load_weights(detector, shufflenet_checkpoint)
    difference = error.value.difference
    assert difference.missing and difference.unexpected
    assert 'missing:\n    backbone.' in str(error.value) and 'unexpected:\n    backbone.' in str(error.value)
    assert all(torch.equal(before[key], value) for key, value in detector.state_dict().items())  # nothing loaded


def test_a_checkpoint_with_other_widths_lists_the_mis_shaped_keys(shufflenet_checkpoint, tmp_path):
    cfg = Config.fromfile(str(SHUFFLENET))
    cfg.model.roi_head.bbox_head.num_classes = 7
    mis_shaped = r'mis-shaped \(checkpoint vs expected\):\n    roi_head.bbox_head'
    with pytest.raises(CheckpointMismatchError, match=mis_shaped):
        load_weights(MODELS.build(cfg.model), shufflenet_checkpoint)


def test_the_matching_checkpoint_loads(shufflenet_checkpoint):
    detector = MODELS.build(Config.fromfile(str(SHUFFLENET)).model)
    assert load_weights(detector, shufflenet_checkpoint)['meta'] == {'epoch': 1}


def test_test_tool_stops_on_a_wrong_checkpoint(shufflenet_checkpoint, tmp_path, monkeypatch):
    message = run_tool_in_process('test.py', str(MOBILENET), str(shufflenet_checkpoint), '--work-dir', str(tmp_path),
                                  monkeypatch=monkeypatch)
    assert message.startswith('error: the checkpoint does not fit this ')
    assert 'missing, ' in message and 'unexpected' in message and str(shufflenet_checkpoint) in message
