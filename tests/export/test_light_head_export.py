"""The exported light-head detector uses standard ops only and reproduces MMDetection's own detections."""

import json
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from mmengine.config import Config

from shufflenet_det.deploy.runner import make_session
from shufflenet_det.export import (
    ExportableLightHeadRCNN,
    UnsupportedDetectorError,
    load_detector,
    match_detections,
    non_standard_ops,
    prepare_exportable,
    write_export,
)
from shufflenet_det.export.verify import onnx_detections, torch_detections

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools'))
import export as export_tool  # noqa: E402  (tools/export.py)

DEMO_CONFIG = 'configs/demo/shapes_frcnn_lh_shufflenet.py'


@pytest.mark.slow
def test_trained_light_head_exports_and_matches_pytorch(trained_light_head_detector, tmp_path, monkeypatch, capsys):
    trained = trained_light_head_detector
    monkeypatch.setattr(sys, 'argv', [
        'export.py', str(trained.config), str(trained.checkpoint), '--out', str(tmp_path), '--name', 'lh',
        '--verify', '--images', str(trained.val_images), '--num-images', '4'])
    assert export_tool.main() == 0
    assert 'PASS' in capsys.readouterr().out
    model = onnx.load(str(tmp_path / 'lh.onnx'))
    assert non_standard_ops(model) == {}
    # RPN NMS, one RoiAlign for the position-sensitive pooling, per-class NMS.
    assert [node.op_type for node in model.graph.node if node.op_type in ('RoiAlign', 'NonMaxSuppression')] == [
        'NonMaxSuppression', 'RoiAlign', 'NonMaxSuppression']
    sidecar = json.loads((tmp_path / 'lh.json').read_text())
    assert (sidecar['scale'], sidecar['num_proposals']) == (256, 100)

    # Traced at one size; run at others, including one with fewer anchors than the RPN's nms_pre.
    detector, cfg = load_detector(trained.config, str(trained.checkpoint))
    exportable, scale, max_size = prepare_exportable(detector, cfg, str(trained.checkpoint), 128)
    assert isinstance(exportable, ExportableLightHeadRCNN)
    session = make_session(write_export(exportable, cfg, DEMO_CONFIG, str(trained.checkpoint), scale, max_size,
                                        tmp_path / 'dynamic.onnx'), threads=1)
    rng = np.random.default_rng(0)
    for height, width in ((128, 213), (160, 128), (64, 80)):
        image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        report = match_detections(f'{height}x{width}', torch_detections(detector, image),
                                  onnx_detections(session, image), top_k=100)
        assert report.considered > 0 and report.matched == report.considered == report.exported_count


def test_light_head_with_an_unsupported_box_head_is_named():
    cfg = Config.fromfile(DEMO_CONFIG)
    cfg.model.roi_head.bbox_head.num_cls_fcs = 1
    detector, _ = load_detector(cfg, None)
    with pytest.raises(UnsupportedDetectorError, match="box head ConvFCBBoxHead.*shared FCs only"):
        ExportableLightHeadRCNN(detector)
