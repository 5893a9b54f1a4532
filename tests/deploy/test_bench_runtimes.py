"""The device benchmark on MNN finds ONNX Runtime's detections; on ncnn it names the layers ncnn lacks."""

import json

import pytest

from shufflenet_det.deploy.bench import main
from shufflenet_det.deploy.compare_runs import main as compare_main
from shufflenet_det.deploy.conversion import convert
from shufflenet_det.deploy.spec import DIGEST_KEY, file_digest


def test_mnn_runtime_finds_the_onnxruntime_detections(fixture_model, tmp_path):
    pytest.importorskip('MNN')
    converted = convert(fixture_model, 'mnn', tmp_path / 'converted', (1, 3, 64, 96))
    assert converted.with_suffix('.json').is_file()  # the sidecar travels with the converted model
    common = ['--size', '60x80', '--runs', '2', '--warmup', '1']
    assert main([str(fixture_model), *common, '--json', str(tmp_path / 'ort.json')]) == 0
    assert main([str(converted), '--runtime', 'mnn', *common, '--json', str(tmp_path / 'mnn.json')]) == 0
    result = json.loads((tmp_path / 'mnn.json').read_text())
    assert result['runtime']['name'] == 'mnn' and result['timing']['what'].startswith('mnn')
    assert compare_main([str(tmp_path / 'ort.json'), str(tmp_path / 'mnn.json')]) == 0


def test_ncnn_runtime_names_the_missing_layers(fixture_model, tmp_path, capsys):
    pytest.importorskip('ncnn')
    param = tmp_path / 'model.ncnn.param'
    param.write_text('7767517\n2 2\nInput in0 0 1 in0\nNonMaxSuppression nms 1 1 in0 out0\n')
    param.with_suffix('.bin').write_bytes(b'')
    sidecar = json.loads(fixture_model.with_suffix('.json').read_text())
    (tmp_path / 'model.json').write_text(json.dumps({**sidecar, DIGEST_KEY: file_digest(param)}))
    assert main([str(param), '--runtime', 'ncnn', '--size', '60x80', '--runs', '1']) == 2
    assert 'has no layer for NonMaxSuppression' in capsys.readouterr().err
