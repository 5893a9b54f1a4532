"""tools/sweep.py end to end: a tiny sweep, a breakdown, option errors, and the --quick run (slow)."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from shufflenet_det.results.result_file import read_result_file
from shufflenet_det.results.tables import render

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / 'tools' / 'sweep.py'), *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600)


def test_tiny_sweep_writes_result_file_table_csv_machine_and_plots(tmp_path):
    process = run_tool('--models', 'shufflenet-1x', 'mobilenet-1.0', '--sizes', '64x64', '--runs', '1', '--warmup',
                       '0', '--out', str(tmp_path))
    assert process.returncode == 0, process.stderr
    for name in ('sweep.csv', 'sweep.md', 'machine.json', 'latency_vs_resolution.png', 'latency_vs_mult_adds.png'):
        assert (tmp_path / name).is_file(), name
    markdown = (tmp_path / 'sweep.md').read_text()
    assert 'Machine: **' in markdown and 'ShuffleNet 1x vs MobileNet 1.0' in markdown
    with open(tmp_path / 'sweep.csv', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert {(r['key'], r['runtime'], r['kind']) for r in rows} == {
        ('shufflenet-1x', 'torch', 'classifier'), ('shufflenet-1x', 'onnx', 'classifier'),
        ('mobilenet-1.0', 'torch', 'classifier'), ('mobilenet-1.0', 'onnx', 'classifier')}
    assert all(float(r['median_ms']) > 0 for r in rows)
    assert 'Machine: **' in process.stdout
    result = read_result_file(tmp_path / 'results.json')
    assert result['kind'] == 'sweep' and result['reference_key'] == 'mobilenet-1.0' and result['date']
    assert '--models shufflenet-1x mobilenet-1.0' in result['command'] and len(result['rows']) == 4
    table_rows = [line for line in render(result, 'results.json').splitlines() if line.startswith('| ShuffleNet')]
    assert len(table_rows) == 2 and all(line.rstrip(' |').endswith('x') for line in table_rows), table_rows


def test_breakdown_writes_both_runtimes(tmp_path):
    process = run_tool('--breakdown', 'shufflenet-0.5x', '--breakdown-input', '64x64', '--runs', '1', '--warmup',
                       '0', '--out', str(tmp_path))
    assert process.returncode == 0, process.stderr
    text = (tmp_path / 'breakdown_shufflenet-0.5x_64x64.md').read_text()
    assert 'PyTorch eager' in text and 'ONNX Runtime' in text and '1x1 group conv' in text
    assert 'channel shuffle' in process.stdout


@pytest.mark.parametrize('args, message', [(['--sizes', '16x16'], 'at least 32'),
                                           (['--breakdown', 'frcnn-shufflenet-1x', '--breakdown-input', '224x224'],
                                            '300, 600')])
def test_bad_inputs_are_explained(args, message):
    process = run_tool(*args)
    assert process.returncode == 2 and message in process.stderr


@pytest.mark.slow
def test_quick_sweep(tmp_path):
    assert run_tool('--quick', '--out', str(tmp_path)).returncode == 0
    markdown = (tmp_path / 'sweep.md').read_text()
    assert 'Faster R-CNN ShuffleNet 1x (g=3)' in markdown and 'ONNX Runtime speed-up over PyTorch' in markdown
    with open(tmp_path / 'sweep.csv', newline='') as handle:
        rows = list(csv.DictReader(handle))
    assert all(r['median_ms'] for r in rows), [r['note'] for r in rows if not r['median_ms']]
