"""Cutting a model into one-node segments, the per-operator arithmetic, and the ARM tables from result files."""

import json

import numpy as np
import pytest
from tiny_classifier import SIZE, write_tiny_classifier

from shufflenet_det.armcount.counts import ModelCount, write_counts
from shufflenet_det.armcount.segments import operator_breakdown, split_model
from shufflenet_det.armcount.tables import BEGIN, END, arm_tables, write_into
from shufflenet_det.deploy.backends import open_model


def test_segments_chain_to_the_whole_model(tmp_path):
    model = write_tiny_classifier(tmp_path)
    tensor = np.random.default_rng(2).standard_normal((1, 3, SIZE, SIZE)).astype(np.float32)
    manifest = split_model(model, tensor, tmp_path / 'segments')
    data = json.loads(manifest.read_text())
    labels = [segment['op_type'] for segment in data['segments']]
    assert 'Conv 3x3 dense+Relu' in labels and 'Conv 1x1 g=3+Relu' in labels and 'Conv 3x3 depthwise' in labels
    assert sum(segment['mult_adds'] for segment in data['segments']) == 6 * 16 * 16 * 27 + 6 * 16 * 16 * 2 + \
        6 * 16 * 16 * 9 + 4 * 6
    values = dict(np.load(manifest.parent / 'values.npz'))
    known = {name: values[key] for name, key in data['values'].items()}
    for segment in data['segments']:  # run the chain: each segment's output feeds the next ones
        session = open_model('onnxruntime', segment['path']).session
        outputs = session.run(None, {name: known[name] for name in segment['inputs']})
        known.update(zip(segment['outputs'], outputs, strict=True))
    whole = open_model('onnxruntime', model).run(tensor)[0]
    np.testing.assert_allclose(known['logits'], whole, rtol=1e-5, atol=1e-6)


def test_operator_breakdown_subtracts_the_mark_and_groups_by_operator(tmp_path):
    manifest = tmp_path / 'segments.json'
    manifest.write_text(json.dumps({'segments': [
        {'name': 'a', 'op_type': 'Conv 1x1 g=3', 'mult_adds': 100},
        {'name': 'b', 'op_type': 'Transpose', 'mult_adds': 0},
        {'name': 'c', 'op_type': 'Conv 1x1 g=3', 'mult_adds': 50}]}))
    breakdown = operator_breakdown(manifest, [1000, 1010, 1060, 1270, 1300, 1410])
    assert breakdown['mark_cost'] == 10 and breakdown['session_call_cost'] == 40
    assert [row['instructions'] for row in breakdown['segments']] == [200, 20, 100]
    assert breakdown['by_type']['Conv 1x1 g=3'] == {'segments': 2, 'instructions': 300, 'mult_adds': 150}
    with pytest.raises(ValueError, match='expected 6'):
        operator_breakdown(manifest, [1, 2, 3])


def count(instructions: int, runtime: str) -> ModelCount:
    return ModelCount(instructions_per_inference=instructions, cpu='cortex-a72', runtime=runtime, runtime_version='1',
                      input_shape=[1, 3, 224, 224], input_source='tensor', threads=1, warmup=1,
                      per_inference_repeats=[instructions], process_counts=[], repeatable=True,
                      provenance={'host_cpu': 'x86', 'commit': 'abc', 'date': 'today', 'emulator': 'qemu 7.2'})


def test_tables_from_result_files(tmp_path):
    write_counts({'exported/shufflenet-0.5x_224x224.onnx': count(28_800_000, 'onnxruntime'),
                  'exported/alexnet_224x224.onnx': count(259_000_000, 'onnxruntime')},
                 tmp_path / 'counts_onnxruntime_cortex-a72.json')
    write_counts({'converted/shufflenet-0.5x_224x224.ncnn.param': count(20_000_000, 'ncnn'),
                  'converted/alexnet_224x224.ncnn.param': count(250_000_000, 'ncnn')},
                 tmp_path / 'counts_ncnn_cortex-a72.json')
    tables = arm_tables(tmp_path)
    assert 'ShuffleNet 0.5x (g=3) | 224x224 | 28.8' in tables.replace('  ', ' ').replace('  ', ' ')
    assert '8.99x' in tables and '12.50x' in tables  # per runtime, and each network on its best runtime
    assert 'at or above' in tables  # 12.5x >= the paper's 12.1x
    operators = {'exported/shufflenet-0.5x_224x224.onnx': {
        'runtime': 'onnxruntime', 'runtime_version': '1', 'cpu': 'cortex-a72', 'session_call_cost': 10,
        'whole_model_instructions': 300, 'segments': [{}, {}],
        'by_type': {'Conv 3x3 depthwise': {'segments': 1, 'instructions': 210, 'mult_adds': 10},
                    'Conv 1x1 g=3': {'segments': 1, 'instructions': 110, 'mult_adds': 290}}},
        'exported/alexnet_224x224.onnx': {
        'runtime': 'onnxruntime', 'runtime_version': '1', 'cpu': 'cortex-a72', 'session_call_cost': 10,
        'whole_model_instructions': 1000, 'segments': [{}],
        'by_type': {'Conv 3x3 dense': {'segments': 1, 'instructions': 1010, 'mult_adds': 2000}}}}
    (tmp_path / 'per_operator_onnxruntime_cortex-a72.json').write_text(json.dumps(operators))
    tables = arm_tables(tmp_path)
    assert '1.00 instructions per mult-add, AlexNet 0.50' in tables
    assert 'Conv 3x3 depthwise: 67 % of the instructions for 3 % of the mult-adds' in tables
    document = tmp_path / 'arm.md'
    document.write_text(f'intro\n{BEGIN}\nold\n{END}\nend\n')
    write_into(document, tables)
    text = document.read_text()
    assert 'old' not in text and text.startswith('intro') and text.endswith('end\n') and '8.99x' in text
