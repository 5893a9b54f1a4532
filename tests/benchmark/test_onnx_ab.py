"""Exported models timed against each other in interleaved rounds."""

import subprocess
import sys
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from shufflenet_det.benchmark.onnx_ab import NamedModel, compare_models
from shufflenet_det.results.result_file import read_result_file
from shufflenet_det.results.tables import render

ROOT = Path(__file__).resolve().parents[2]


def image_model(path, scale: float, rank: int = 4):
    """A stand-in detector: one Mul on an image input of ``rank`` dimensions."""
    shape = [1, 3, 'height', 'width'][4 - rank:]
    graph = helper.make_graph(
        [helper.make_node('Mul', ['image', 'factor'], ['boxes'])], 'stand_in',
        [helper.make_tensor_value_info('image', TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info('boxes', TensorProto.FLOAT, shape)],
        initializer=[helper.make_tensor('factor', TensorProto.FLOAT, [], [scale])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)]), str(path))
    return path


def test_named_model_needs_a_name_and_an_existing_file(tmp_path):
    path = image_model(tmp_path / 'a.onnx', 1.0)
    assert NamedModel.parse(f'before={path}') == NamedModel('before', path)
    with pytest.raises(ValueError, match='NAME=PATH'):
        NamedModel.parse(str(path))
    with pytest.raises(ValueError, match='not found'):
        NamedModel.parse(f'x={tmp_path / "missing.onnx"}')


def test_models_are_timed_in_rounds_with_ratios_to_the_first(tmp_path):
    models = [NamedModel('first', image_model(tmp_path / 'a.onnx', 1.0)),
              NamedModel('torchvision_style', image_model(tmp_path / 'b.onnx', 2.0, rank=3))]
    result = compare_models(models, 300, threads=1, rounds=2, warmup=0, runs=2, breakdown_runs=0,
                            profile_dir=tmp_path / 'profiles')
    assert [model['name'] for model in result['models']] == ['first', 'torchvision_style']
    first, second = result['models']
    assert first['ratio_to_first'] == 1.0 and len(second['round_medians_ms']) == 2
    assert second['min_ms'] <= second['median_ms'] and first['nodes'] == 1
    assert result['input'] == '300x400' and len(result['gemm_rate']) == 2


def test_the_tool_writes_a_result_file_that_renders(tmp_path):
    first, second = image_model(tmp_path / 'a.onnx', 1.0), image_model(tmp_path / 'b.onnx', 2.0)
    process = subprocess.run([sys.executable, str(ROOT / 'tools' / 'time_onnx.py'), f'first={first}',
                              f'tv-peer={second}', '--scale', '300', '--rounds', '2', '--runs', '2', '--warmup', '0',
                              '--json', str(tmp_path / 'ab.json')], cwd=ROOT, capture_output=True, text=True,
                             timeout=300)
    assert process.returncode == 0, process.stderr
    data = read_result_file(tmp_path / 'ab.json')
    assert data['kind'] == 'onnx_ab' and data['transcribed_from'] is None and data['date']
    assert [row['name'] for row in data['rows']] == ['first', 'tv-peer'] and data['input'] == '300x400'
    assert 'first=' in data['command'] and data['machine_details']['threads'] == 1
    assert '| first ' in render(data, 'ab.json') and '| tv-peer ' in render(data, 'ab.json')
