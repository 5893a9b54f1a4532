"""Per-inference arithmetic, repeatability, the JSON record and the CPU-model rule of the aarch64 counter."""

import json

import numpy as np
import pytest

from shufflenet_det.armcount import cli
from shufflenet_det.armcount.counts import ModelCount, per_inference, read_counts, repeatable, write_counts
from shufflenet_det.armcount.cpu_models import CpuModelError, check_cpu_model
from shufflenet_det.armcount.inputs import CountInputError, count_input


def test_per_inference_is_the_mark_difference_over_the_inference_difference():
    assert per_inference(1_000_000, 1_000_600) == 300
    assert per_inference(10, 17, short_runs=1, long_runs=2) == 7
    with pytest.raises(ValueError, match='not more than'):
        per_inference(500, 500)
    with pytest.raises(ValueError, match='must run more inferences'):
        per_inference(1, 2, short_runs=3, long_runs=3)


def test_repeatability_is_relative():
    assert repeatable([100_000_000, 100_000_999])
    assert not repeatable([100_000_000, 100_001_001])
    assert repeatable([42])


def test_count_from_marked_processes_and_its_json(tmp_path):
    processes = [{'total': 9_000, 'marks': [1_000, 1_600, 2_200, 2_800]},
                 {'total': 9_001, 'marks': [1_001, 1_600, 2_200, 2_800]}]
    count = ModelCount.from_processes(processes, cpu='cortex-a72', runtime='onnxruntime', runtime_version='1.32.0',
                                      input_shape=[1, 3, 8, 8], input_source='noise', threads=1, warmup=1)
    assert count.instructions_per_inference == 600 and count.per_inference_repeats == [600, 600]
    assert count.repeatable and count.label == 'aarch64 instructions (emulated, cortex-a72)'
    out = tmp_path / 'counts.json'
    write_counts({'a.onnx': count}, out)
    write_counts({'b.onnx': count}, out)  # merged, not overwritten
    data = json.loads(out.read_text())
    assert set(data) == {'a.onnx', 'b.onnx'}
    entry = data['a.onnx']
    assert isinstance(entry['instructions_per_inference'], int)
    assert {entry['cpu'], entry['runtime'], entry['runtime_version']} == {'cortex-a72', 'onnxruntime', '1.32.0'}
    assert read_counts(out)['b.onnx']['process_counts'][1]['marks'][0] == 1_001


def test_a_process_without_all_marks_is_refused():
    with pytest.raises(ValueError, match='left 2 marks'):
        ModelCount.from_processes([{'total': 5, 'marks': [1, 2]}], cpu='cortex-a72', runtime='onnxruntime',
                                  runtime_version='1', input_shape=[1], input_source='x', threads=1, warmup=1)


def test_read_counts_names_a_wrong_file(tmp_path):
    wrong = tmp_path / 'wrong.json'
    wrong.write_text('{"a": 1}')
    with pytest.raises(ValueError, match='does not map model paths to counts'):
        read_counts(wrong)


def test_cpu_max_is_refused_with_the_reason(capsys):
    assert check_cpu_model('cortex-a76') == 'cortex-a76'
    with pytest.raises(CpuModelError, match='SVE2 and SME'):
        check_cpu_model('max')
    with pytest.raises(CpuModelError, match='not supported'):
        check_cpu_model('cortex-a53')
    assert cli.main(['model.onnx', '--input', '8x8', '--json', 'x.json', '--cpu', 'max']) == 2
    assert 'error: --cpu max refused' in capsys.readouterr().err


def test_count_inputs(tmp_path):
    model = tmp_path / 'model.onnx'
    noise = count_input(model, '16x24')
    assert noise.tensor.shape == (1, 3, 16, 24) and noise.tensor.dtype == np.float32
    assert np.array_equal(noise.tensor, count_input(model, '16x24').tensor)  # deterministic
    saved = tmp_path / 'tensor.npy'
    np.save(saved, np.ones((1, 3, 8, 8), np.float32))
    assert count_input(model, str(saved)).tensor.shape == (1, 3, 8, 8)
    image = tmp_path / 'image.npy'
    np.save(image, np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(CountInputError, match='no sidecar'):
        count_input(model, str(image))
    with pytest.raises(CountInputError, match='neither HxW'):
        count_input(model, 'big')
