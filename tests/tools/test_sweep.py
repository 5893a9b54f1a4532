"""tools/sweep.py: options, a tiny sweep end to end, a breakdown, and the --quick run (slow)."""

import argparse
import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_tool():
    spec = importlib.util.spec_from_file_location('sweep_tool', ROOT / 'tools' / 'sweep.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sweep = load_tool()


def test_quick_defaults_and_explicit_options():
    quick = sweep.parse_args(['--quick'])
    assert quick.runs == sweep.QUICK_RUNS and quick.warmup == sweep.QUICK_WARMUP
    assert quick.models == sweep.QUICK_MODELS and quick.sizes == [(224, 224)] and quick.scales == [300]
    full = sweep.parse_args(['--runs', '7', '--sizes', '480x640'])
    assert full.runs == 7 and full.warmup == sweep.FULL_WARMUP and full.sizes == [(480, 640)]
    assert full.scales == [300, 600] and full.threads == 1 and full.runtimes == ['torch', 'onnx']
    assert 'alexnet' in full.models and 'tv-frcnn-mnv3-fpn' in full.models


@pytest.mark.parametrize('text', ['640', '480x', 'axb', '16x16'])
def test_bad_sizes_are_explained(text):
    with pytest.raises(argparse.ArgumentTypeError, match=text):
        sweep.parse_size(text)


def test_bad_breakdown_input_for_a_detector():
    with pytest.raises(SystemExit, match='300, 600'):
        sweep.breakdown_setting('frcnn-shufflenet-1x', '224x224')


def test_tiny_sweep_writes_table_csv_machine_and_plots(tmp_path, capsys):
    sweep.main(['--models', 'shufflenet-1x', 'mobilenet-1.0', '--sizes', '64x64', '--runs', '1', '--warmup', '0',
                '--out', str(tmp_path)])
    for name in ('sweep.csv', 'sweep.md', 'machine.json', 'latency_vs_resolution.png', 'latency_vs_mult_adds.png'):
        assert (tmp_path / name).is_file(), name
    markdown = (tmp_path / 'sweep.md').read_text()
    assert 'Machine: **' in markdown and 'ShuffleNet 1x vs MobileNet 1.0' in markdown
    with open(tmp_path / 'sweep.csv', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert {(r['key'], r['runtime']) for r in rows} == {('shufflenet-1x', 'torch'), ('shufflenet-1x', 'onnx'),
                                                         ('mobilenet-1.0', 'torch'), ('mobilenet-1.0', 'onnx')}
    assert all(float(r['median_ms']) > 0 for r in rows)
    assert 'Machine: **' in capsys.readouterr().out


def test_breakdown_writes_both_runtimes(tmp_path, capsys):
    sweep.main(['--breakdown', 'shufflenet-0.5x', '--breakdown-input', '64x64', '--runs', '1', '--warmup', '0',
                '--out', str(tmp_path)])
    text = (tmp_path / 'breakdown_shufflenet-0.5x_64x64.md').read_text()
    assert 'PyTorch eager' in text and 'ONNX Runtime' in text and '1x1 group conv' in text
    assert 'channel shuffle' in capsys.readouterr().out


@pytest.mark.slow
def test_quick_sweep(tmp_path):
    sweep.main(['--quick', '--out', str(tmp_path)])
    markdown = (tmp_path / 'sweep.md').read_text()
    assert 'Faster R-CNN ShuffleNet 1x (g=3)' in markdown and 'ONNX Runtime speed-up over PyTorch' in markdown
    with open(tmp_path / 'sweep.csv', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert all(r['median_ms'] for r in rows), [r['note'] for r in rows if not r['median_ms']]
