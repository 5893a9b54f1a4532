"""The exported ONNX detector runs in ONNX Runtime with standard ops and reproduces the PyTorch detections."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from mmengine.config import Config

from shufflenet_det.core.project_configs import config_scale
from shufflenet_det.deploy.detections import match_detections
from shufflenet_det.deploy.detector import make_session
from shufflenet_det.deploy.spec import DIGEST_KEY, METADATA_KEY, file_digest, load_spec
from shufflenet_det.export import (
    ExportableC4FasterRCNN,
    UnsupportedDetectorError,
    load_detector,
    non_standard_ops,
    prepare_export,
)
from shufflenet_det.export.verify import PARITY_TOLERANCE, onnx_detections, torch_detections

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = 'configs/demo/shapes_frcnn_shufflenet.py'


def run_export_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / 'tools' / 'export.py'), *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=900)


def test_trained_detector_exports_and_matches_pytorch(trained_shapes_detector, tmp_path):
    process = run_export_tool(str(trained_shapes_detector.config), str(trained_shapes_detector.checkpoint), '--out',
                              str(tmp_path), '--name', 'shapes', '--verify', '--images',
                              str(trained_shapes_detector.val_images), '--num-images', '3')
    assert process.returncode == 0, process.stdout + process.stderr[-3000:]
    assert 'PASS' in process.stdout and '| all ' in process.stdout and '[2/2] wrote' in process.stdout

    model = onnx.load(str(tmp_path / 'shapes.onnx'))
    assert non_standard_ops(model) == {}
    assert [node.op_type for node in model.graph.node if node.op_type in ('RoiAlign', 'NonMaxSuppression')] == [
        'NonMaxSuppression', 'RoiAlign', 'NonMaxSuppression']
    sidecar = json.loads((tmp_path / 'shapes.json').read_text())
    assert sidecar['classes'] == ['circle', 'square', 'triangle', 'cross', 'ring']
    input_scale = config_scale(Config.fromfile(str(trained_shapes_detector.config)))
    expected = (input_scale.scale, input_scale.max_size, 100)
    assert (sidecar['scale'], sidecar['max_size'], sidecar['num_proposals']) == expected
    assert sidecar['normalisation']['channel_order'] == 'RGB'
    assert load_spec(tmp_path / 'shapes.onnx').source['checkpoint'] == str(trained_shapes_detector.checkpoint)
    # The device runner pairs the files by the digest and compares the sidecar with the graph's own copy.
    assert sidecar[DIGEST_KEY] == file_digest(tmp_path / 'shapes.onnx')
    in_graph = json.loads({prop.key: prop.value for prop in model.metadata_props}[METADATA_KEY])
    assert in_graph == {key: value for key, value in sidecar.items() if key != DIGEST_KEY}


def test_exported_graph_matches_pytorch_at_other_sizes_and_counts(trained_shapes_detector, tmp_path):
    # Traced at one size; run at others, including one with fewer anchors than the RPN's nms_pre (64x80).
    checkpoint = str(trained_shapes_detector.checkpoint)
    prepared = prepare_export(trained_shapes_detector.config, checkpoint, 128)
    session = make_session(prepared.write(tmp_path / 'dynamic.onnx'), threads=1)
    rng = np.random.default_rng(0)
    for height, width in ((128, 213), (160, 128), (64, 80)):
        image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        reference, exported = torch_detections(prepared.detector, image), onnx_detections(session, image)
        match = match_detections(reference, exported, PARITY_TOLERANCE, top_k=100)
        assert match.considered > 0 and match.matched == match.considered == match.other_count


def test_no_detection_gives_empty_outputs(trained_shapes_detector, tmp_path):
    cfg = Config.fromfile(str(trained_shapes_detector.config))
    cfg.model.test_cfg.rcnn.score_thr = 1.0  # softmax scores never exceed 1
    prepared = prepare_export(cfg, str(trained_shapes_detector.checkpoint), 96, config_path=DEMO_CONFIG)
    session = make_session(prepared.write(tmp_path / 'empty.onnx'), threads=1)
    exported = onnx_detections(session, np.zeros((96, 128, 3), dtype=np.uint8))
    assert exported.boxes.shape == (0, 4) and exported.scores.shape == (0, ) and exported.labels.shape == (0, )


def test_unsupported_roi_layer_is_named():
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.model.roi_head.bbox_roi_extractor.type = 'SingleRoIExtractor'
    cfg.model.roi_head.bbox_roi_extractor.roi_layer = dict(type='RoIPool', output_size=7)
    detector, _ = load_detector(cfg, None)
    with pytest.raises(UnsupportedDetectorError, match='RoI layer RoIPool'):
        ExportableC4FasterRCNN(detector)


def test_missing_checkpoint_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="train one with tools/train.py or pass 'random'"):
        load_detector(DEMO_CONFIG, str(tmp_path / 'missing.pth'))


@pytest.mark.slow
def test_mmcv_custom_op_in_the_backbone_is_refused_by_name(tmp_path):
    from shufflenet_det.export import NonStandardOpError

    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.model.backbone.conv_cfg = dict(type='DCNv2', deform_groups=1)
    prepared = prepare_export(cfg, None, 128, config_path=DEMO_CONFIG)
    with pytest.raises(NonStandardOpError, match='mmcv::MMCVModulatedDeformConv2d'):
        prepared.write(tmp_path / 'dcn.onnx')
    assert not (tmp_path / 'dcn.onnx').exists()


@pytest.mark.slow
@pytest.mark.parametrize('config', ['frcnn_shufflenet_2x', 'frcnn_shufflenet_1x', 'frcnn_mobilenet_v1',
                                    'lighthead/frcnn_lh_shufflenet_2x', 'lighthead/frcnn_lh_shufflenet_1x',
                                    'lighthead/frcnn_lh_mobilenet_v1'])
@pytest.mark.parametrize('scale', [300, 600])
def test_paper_detectors_with_random_weights_export_with_parity(config, scale, tmp_path):
    process = run_export_tool(f'configs/{config}.py', 'random', '--scale', str(scale), '--out', str(tmp_path),
                              '--verify', '--num-images', '2')
    assert process.returncode == 0, process.stderr
    assert 'PASS' in process.stdout


def test_random_weights_export_writes_the_same_bytes_every_time(tmp_path):
    written = []
    for run in range(2):
        torch.manual_seed(run)  # the global generator's state must not matter
        written.append(prepare_export(DEMO_CONFIG, None, 96).write(tmp_path / f'run{run}.onnx').read_bytes())
    assert written[0] == written[1]
