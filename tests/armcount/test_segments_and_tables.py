"""Cutting a model into one-node segments, the per-operator arithmetic, and the ARM tables from result files."""

import json

import numpy as np
import pytest
from tiny_classifier import SIZE, write_tiny_classifier

from shufflenet_det.armcount.counts import ModelCount, write_counts
from shufflenet_det.armcount.segments import operator_breakdown, split_model
from shufflenet_det.armcount.tables import collect_counts, collect_operators
from shufflenet_det.core.errors import ResultFileError
from shufflenet_det.deploy.backends import open_model
from shufflenet_det.results.result_file import read_result_file, write_result_file
from shufflenet_det.results.tables import render

PROVENANCE = {'machine': 'Test CPU', 'command': 'python tools/arm_results.py', 'commit': 'abc', 'date': '2026-01-01'}


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


def test_arm_result_files_and_their_tables(tmp_path):
    write_counts({'exported/shufflenet-0.5x_224x224.onnx': count(28_800_000, 'onnxruntime'),
                  'exported/alexnet_224x224.onnx': count(259_000_000, 'onnxruntime')}, tmp_path / 'ort.json')
    write_counts({'converted/shufflenet-0.5x_224x224.ncnn.param': count(20_000_000, 'ncnn'),
                  'converted/alexnet_224x224.ncnn.param': count(250_000_000, 'ncnn')}, tmp_path / 'ncnn.json')
    x86 = {'exported/alexnet_224x224.onnx': {'runs': 3, 'warmup': 1, 'provenance': {'machine': {}}, 'results': [
        {'runtime': 'onnxruntime', 'version': '1', 'median_ms': 100.0, 'parity': None, 'error': None},
        {'runtime': 'ncnn', 'version': '1', 'median_ms': 80.0, 'parity': 'logits max rel. diff 1e-07',
         'parity_ok': True, 'error': None},
        {'runtime': 'mnn', 'version': '1', 'median_ms': None, 'parity': None,
         'error': 'MNN 1 cannot convert /somewhere/alexnet_224x224.onnx: Foo not supported'}]}}
    (tmp_path / 'x86.json').write_text(json.dumps(x86))
    rows, details = collect_counts([tmp_path / 'ort.json', tmp_path / 'ncnn.json'], tmp_path / 'x86.json')
    write_result_file(tmp_path / 'arm.json', 'arm_counts', rows, PROVENANCE, measurements=details)
    data = read_result_file(tmp_path / 'arm.json')
    table = ' '.join(render(data, 'results/arm/arm.json').split())
    assert '| ShuffleNet 0.5x (g=3) | 224x224 | 28.8 | - | 20.0 | ncnn |' in table
    assert 'MNN does not run it: MNN 1 cannot convert alexnet_224x224.onnx: Foo not supported' in table
    assert '| ncnn |' in table  # fastest AlexNet on x86
    ratios = render(data, 'results/arm/arm.json', 'ratios')
    assert '8.99x' in ratios and '12.50x' in ratios and 'at or above' in ratios  # 12.5x >= the paper's 12.1x
    operators = {'exported/shufflenet-0.5x_224x224.onnx': {
        'runtime': 'onnxruntime', 'runtime_version': '1', 'cpu': 'cortex-a72', 'session_call_cost': 10,
        'whole_model_instructions': 300, 'segments': [{}, {}], 'provenance': {'commit': 'abc'},
        'by_type': {'Conv 3x3 depthwise': {'segments': 1, 'instructions': 210, 'mult_adds': 10},
                    'Conv 1x1 g=3': {'segments': 1, 'instructions': 110, 'mult_adds': 290},
                    'Flatten': {'segments': 1, 'instructions': 10, 'mult_adds': 0},
                    'Reshape': {'segments': 2, 'instructions': 20, 'mult_adds': 0}}},
        'exported/alexnet_224x224.onnx': {
        'runtime': 'onnxruntime', 'runtime_version': '1', 'cpu': 'cortex-a72', 'session_call_cost': 10,
        'whole_model_instructions': 1000, 'segments': [{}], 'provenance': {'commit': 'def'},
        'by_type': {'Conv 3x3 dense': {'segments': 1, 'instructions': 1010, 'mult_adds': 2000},
                    'Conv 1x1 dense': {'segments': 1, 'instructions': 110, 'mult_adds': 400}}}}
    (tmp_path / 'operators.json').write_text(json.dumps(operators))
    operator_rows, counted = collect_operators(tmp_path / 'operators.json')
    assert counted == {'shufflenet-0.5x_224x224': {'commit': 'abc'}, 'alexnet_224x224': {'commit': 'def'}}
    write_result_file(tmp_path / 'ops.json', 'arm_operators', operator_rows, PROVENANCE)
    text = render(read_result_file(tmp_path / 'ops.json'), 'results/arm/ops.json')
    assert '1.00 instructions per mult-add, AlexNet 0.42' in text
    assert 'Conv 3x3 depthwise: 67 % of the instructions for 3 % of the mult-adds' in text
    assert '| 2 other kinds, each under 1 %: Flatten, Reshape | 3 | 0.00 |' in ' '.join(text.split())  # one row
    # grouped and dense 1x1 convolutions compared per mult-add; at AlexNet's 0.25 the grouped ones would take 72.5
    assert 'Conv 1x1 0.34 / 0.25.' in text
    assert "At AlexNet's rate for each kind they share, its segments would sum to 0.0 M" in text


def test_later_counts_join_the_repeats_of_a_previous_result_file(tmp_path):
    write_counts({'exported/alexnet_224x224.onnx': count(259_000_000, 'onnxruntime')}, tmp_path / 'first.json')
    rows, details = collect_counts([tmp_path / 'first.json'], None)
    write_result_file(tmp_path / 'arm.json', 'arm_counts', rows, PROVENANCE, measurements=details)
    previous = read_result_file(tmp_path / 'arm.json')
    later = count(259_000_100, 'onnxruntime')
    later.provenance = later.provenance | {'date': 'tomorrow'}
    write_counts({'elsewhere/alexnet_224x224.onnx': later,
                  'exported/alexnet_480x640.onnx': count(1_500_000_000, 'onnxruntime'),
                  'exported/shufflenet-0.5x_480x640.onnx': count(100_000_000, 'onnxruntime')}, tmp_path / 'later.json')
    # the first count read again (same provenance) is not a repeat
    rows, details = collect_counts([tmp_path / 'later.json', tmp_path / 'first.json'], None, previous)
    assert [row['input'] for row in rows] == ['224x224', '480x640', '480x640']  # smaller inputs first
    assert rows[0]['onnxruntime_repeats'] == [259_000_000, 259_000_100]
    assert rows[0]['onnxruntime_instructions'] == 259_000_000
    assert details['counts']['alexnet_224x224 onnxruntime']['more_counts'][0]['provenance']['date'] == 'tomorrow'
    data = {'kind': 'arm_counts', **PROVENANCE, 'rows': rows}
    assert 'ONNX Runtime counted 2 times: differing by 4e-07' in render(data, 'results/arm/arm.json')
    ratios = render(data, 'results/arm/arm.json', 'ratios')
    assert '| ShuffleNet 0.5x vs AlexNet | 480x640 | 13.23x | 15.00x | - | - | 15.00x |' in ' '.join(ratios.split())
    by_size = ' '.join(render(data, 'results/arm/arm.json', 'ratios_by_size').split())
    assert '| ShuffleNet 0.5x vs AlexNet | - | 15.00x (13.23x) | - |' in by_size  # AlexNet alone at 224
    assert 'Faster R-CNN' not in by_size  # no Table 8 size for the detector claims
    rows[2]['mnn_instructions'] = 90_000_000  # only AlexNet counted in MNN: no best-runtime ratio
    ratios = render({'kind': 'arm_counts', **PROVENANCE, 'rows': rows}, 'results/arm/arm.json', 'ratios')
    assert '| ShuffleNet 0.5x vs AlexNet | 480x640 | 13.23x | 15.00x | - | - | - |' in ' '.join(ratios.split())
    rows, _ = collect_counts([tmp_path / 'later.json'], None, previous, replaced={'alexnet_224x224'})
    assert rows[0]['onnxruntime_repeats'] == [259_000_100]  # exported again: the earlier count is dropped
    elsewhere = count(259_000_000, 'onnxruntime')
    elsewhere.input_shape, elsewhere.provenance = [1, 3, 200, 200], elsewhere.provenance | {'date': 'later'}
    write_counts({'exported/alexnet_224x224.onnx': elsewhere}, tmp_path / 'other_input.json')
    with pytest.raises(ResultFileError, match='input_shape'):
        collect_counts([tmp_path / 'other_input.json'], None, previous)


def test_detector_ratios_set_mobilenet_over_shufflenet_per_scale_in_the_runtimes_that_ran_detectors():
    def detector(model: str, scale: int, onnxruntime: int, mnn: int | None, ms: float) -> dict:
        return {'model': model, 'input': f'scale {scale}', 'onnxruntime_instructions': onnxruntime,
                'mnn_instructions': mnn, 'onnxruntime_x86_ms': ms, 'mnn_x86_ms': None}

    rows = [detector('Faster R-CNN ShuffleNet 1x (g=3)', 600, 100, 60, 10.0),
            detector('Faster R-CNN MobileNet v1 1.0', 600, 150, 90, 12.0),
            detector('Faster R-CNN ShuffleNet 2x (g=3)', 600, 300, None, 30.0),  # no MNN count: no best ratio
            detector('Light-head R-CNN ShuffleNet 1x (g=3)', 300, 20, 10, 2.0),
            detector('Light-head R-CNN MobileNet v1 1.0', 300, 50, 40, 4.0),
            {'model': 'AlexNet', 'input': '224x224', 'ncnn_instructions': 5}]  # a classifier: not a detector row
    table = ' '.join(render({'kind': 'arm_counts', **PROVENANCE, 'rows': rows}, 'results/arm/arm.json',
                            'detector_ratios').split())
    assert 'ncnn' not in table  # no detector counted in ncnn: no column
    # instructions: ONNX Runtime, MNN, best runtime each; x86 time: ONNX Runtime, fastest runtime each
    assert '| Light-head ShuffleNet 1x vs MobileNet 1.0 | scale 300 | 2.50x | 4.00x | 4.00x | 2.00x | 2.00x |' in table
    assert '| Faster R-CNN ShuffleNet 1x vs MobileNet 1.0 | scale 600 | 1.50x | 1.50x | 1.50x | 1.20x | 1.20x' in table
    assert '| Faster R-CNN ShuffleNet 2x vs MobileNet 1.0 | scale 600 | 0.50x | - | - | 0.40x | 0.40x |' in table
    assert table.index('scale 300') < table.index('scale 600')
