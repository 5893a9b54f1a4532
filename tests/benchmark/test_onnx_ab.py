"""Exported models timed against each other in interleaved rounds."""

import onnx
import pytest
from onnx import TensorProto, helper

from shufflenet_det.benchmark.onnx_ab import NamedModel, compare_models


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
