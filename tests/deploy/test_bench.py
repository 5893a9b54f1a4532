"""The device benchmark's command line: printed report, JSON fields, drawing, and errors."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from shufflenet_det.deploy import bench
from shufflenet_det.deploy.arguments import parse_size

ROOT = Path(__file__).resolve().parents[2]


def test_bench_writes_detections_timings_and_machine(fixture_model, tmp_path, capsys):
    image = np.zeros((120, 160, 3), np.uint8)
    image[..., 0] = 255
    np.save(tmp_path / 'red.npy', image)
    status = bench.main([str(fixture_model), '--image', str(tmp_path / 'red.npy'), '--runs', '3', '--warmup', '1',
                         '--threads', '2', '--json', str(tmp_path / 'out.json'), '--draw', str(tmp_path / 'out.png')])
    assert status == 0
    result = json.loads((tmp_path / 'out.json').read_text())
    assert result['format'] == bench.RESULT_FORMAT
    assert result['model']['num_proposals'] == 300 and result['model']['classes'] == ['red', 'green', 'blue']
    assert result['input'] == {'image': str(tmp_path / 'red.npy'), 'original_size': [120, 160],
                               'input_size': [64, 85]}
    [detection] = result['detections']
    assert detection['class'] == 'red' and detection['score'] == pytest.approx(1.0)
    assert detection['box'] == pytest.approx([16, 24, 80, 72], abs=1e-3)  # fractions of 160 x 120
    timing = result['timing']
    assert timing['runs'] == 3 and timing['warmup'] == 1 and len(timing['samples_ms']) == 3
    assert 0 < timing['min_ms'] <= timing['median_ms'] <= timing['p90_ms']
    machine = result['machine']
    assert machine['threads'] == 2 and machine['cpu'] and machine['versions']['onnxruntime']
    assert (tmp_path / 'out.png').read_bytes().startswith(b'\x89PNG')
    printed = capsys.readouterr().out
    assert '300 proposals per image' in printed and 'median' in printed and 'p90' in printed
    assert 'red ' in printed and 'onnxruntime' in printed


def test_noise_image_of_a_given_size(fixture_model, tmp_path):
    assert bench.main([str(fixture_model), '--size', '96x128', '--runs', '1', '--warmup', '0', '--json',
                       str(tmp_path / 'out.json')]) == 0
    result = json.loads((tmp_path / 'out.json').read_text())
    assert result['input']['image'] is None and result['input']['input_size'] == [64, 85]


def test_emulated_runs_are_labelled(fixture_model, capsys):
    assert bench.main([str(fixture_model), '--runs', '1', '--warmup', '0', '--emulated', 'qemu-user 7.2']) == 0
    assert 'emulated run (qemu-user 7.2): these timings are NOT' in capsys.readouterr().out


def test_bad_image_gives_a_clear_error(fixture_model, tmp_path, capsys):
    np.save(tmp_path / 'gray.npy', np.zeros((32, 32), np.uint8))
    assert bench.main([str(fixture_model), '--image', str(tmp_path / 'gray.npy'), '--runs', '1']) == 2
    assert 'error:' in capsys.readouterr().err


@pytest.mark.parametrize('text', ['640', '480x', 'axb', '0x10'])
def test_bad_sizes_are_explained(text):
    with pytest.raises(argparse.ArgumentTypeError, match='HEIGHTxWIDTH'):
        parse_size(text)


def test_sizes_below_a_minimum_are_refused():
    assert parse_size('32X48', min_side=32) == (32, 48)
    with pytest.raises(argparse.ArgumentTypeError, match='at least 32'):
        parse_size('16x16', min_side=32)


def test_image_and_size_together_are_refused(fixture_model):
    with pytest.raises(SystemExit):
        bench.parse_args([str(fixture_model), '--image', 'a.npy', '--size', '10x10'])


def test_tools_wrapper_runs_the_benchmark(fixture_model):
    process = subprocess.run([sys.executable, str(ROOT / 'tools' / 'bench_onnx.py'), str(fixture_model), '--runs', '1',
                              '--warmup', '0'], text=True, capture_output=True, timeout=120)
    assert process.returncode == 0, process.stderr
    assert 'latency     median' in process.stdout
