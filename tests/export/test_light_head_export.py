"""The exported light-head detector uses standard ops only and reproduces MMDetection's own detections."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from mmengine.config import Config

from shufflenet_det.deploy.detections import match_detections
from shufflenet_det.deploy.detector import make_session
from shufflenet_det.export import (
    ExportableLightHeadRCNN,
    UnsupportedDetectorError,
    load_detector,
    non_standard_ops,
    prepare_export,
)
from shufflenet_det.export.verify import PARITY_TOLERANCE, onnx_detections, torch_detections

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = 'configs/demo/shapes_frcnn_lh_shufflenet.py'


@pytest.mark.slow
def test_trained_light_head_exports_and_matches_pytorch(trained_light_head_detector, tmp_path):
    trained = trained_light_head_detector
    process = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'export.py'), str(trained.config), str(trained.checkpoint), '--out',
         str(tmp_path), '--name', 'lh', '--verify', '--images', str(trained.val_images), '--num-images', '4'],
        cwd=ROOT, text=True, capture_output=True, timeout=900)
    assert process.returncode == 0, process.stderr
    assert 'PASS' in process.stdout
    model = onnx.load(str(tmp_path / 'lh.onnx'))
    assert non_standard_ops(model) == {}
    # RPN NMS, one RoiAlign for the position-sensitive pooling, per-class NMS.
    assert [node.op_type for node in model.graph.node if node.op_type in ('RoiAlign', 'NonMaxSuppression')] == [
        'NonMaxSuppression', 'RoiAlign', 'NonMaxSuppression']
    sidecar = json.loads((tmp_path / 'lh.json').read_text())
    assert (sidecar['scale'], sidecar['num_proposals']) == (256, 100)

    # Traced at one size; run at others, including one with fewer anchors than the RPN's nms_pre.
    prepared = prepare_export(trained.config, str(trained.checkpoint), 128)
    assert isinstance(prepared.exportable, ExportableLightHeadRCNN)
    session = make_session(prepared.write(tmp_path / 'dynamic.onnx'), threads=1)
    rng = np.random.default_rng(0)
    for height, width in ((128, 213), (160, 128), (64, 80)):
        image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        match = match_detections(torch_detections(prepared.detector, image), onnx_detections(session, image),
                                 PARITY_TOLERANCE, top_k=100)
        assert match.considered > 0 and match.matched == match.considered == match.other_count


def test_light_head_with_an_unsupported_box_head_is_named():
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.model.roi_head.bbox_head.num_cls_fcs = 1
    detector, _ = load_detector(cfg, None)
    with pytest.raises(UnsupportedDetectorError, match='box head ConvFCBBoxHead.*shared FCs only'):
        ExportableLightHeadRCNN(detector)
