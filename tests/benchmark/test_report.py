"""The sweep's CSV, Markdown, ratios and plots, from hand-made rows."""

import csv

import pytest

from shufflenet_det.benchmark.plots import plot_latency_vs_mult_adds, plot_latency_vs_resolution
from shufflenet_det.benchmark.ratios import CLAIMS, compare_ratios, verdict
from shufflenet_det.benchmark.report import sweep_markdown, write_csv
from shufflenet_det.benchmark.rows import Row
from shufflenet_det.core import paper_numbers
from shufflenet_det.deploy.machine import Machine

X86 = Machine(cpu='AMD EPYC', architecture='x86_64', board=None, logical_cpus=2, usable_cpus=2, governor=None,
              system='Linux', python='3.11', threads=1, versions={'torch': '2.12.1', 'onnxruntime': '1.32.0'},
              torch_cpu_capability='AVX512')
ARM = Machine(cpu='Cortex-A76', architecture='aarch64', board=None, logical_cpus=4, usable_cpus=4, governor=None,
              system='Linux', python='3.11', threads=1, torch_cpu_capability='DEFAULT')


def row(model: str, input_label: str, runtime: str, median: float | None, gflops: float, kind: str = 'classifier',
        scale: int | None = None, rois: int | None = None, note: str = '') -> Row:
    return Row(model=model, key=model.lower(), kind=kind, input=input_label, scale=scale, runtime=runtime, threads=1,
               median_ms=median, p10_ms=median and median * 0.9, p90_ms=median and median * 1.1,
               min_ms=median and median * 0.8, runs=5 if median else 0, gflops=gflops, mparams=1.0, rois=rois,
               detections=rois and 100, note=note)


@pytest.fixture
def rows() -> list[Row]:
    return [
        row('ShuffleNet 0.5x (g=3)', '224x224', 'torch', 10.0, 0.038),
        row('ShuffleNet 0.5x (g=3)', '224x224', 'onnx', 2.0, 0.038),
        row('AlexNet', '224x224', 'torch', 40.0, 0.714),
        row('AlexNet', '224x224', 'onnx', 24.0, 0.714),
        row('ShuffleNet 0.5x (g=3)', '480x640', 'torch', None, 0.23, note='not measured: RuntimeError: boom'),
        row('Faster R-CNN ShuffleNet 1x (g=3)', '300x400', 'torch', 2000.0, 11.3, 'detector', 300, 300),
        row('Faster R-CNN ShuffleNet 1x (g=3)', '300x400', 'onnx', 500.0, 11.3, 'detector', 300, 300),
        row('Faster R-CNN MobileNet v1 1.0', '300x400', 'torch', 3000.0, 20.0, 'detector', 300, 300),
    ]


def test_paper_ratios_come_from_table8():
    alexnet = next(claim for claim in CLAIMS if claim.slow == 'AlexNet')
    assert alexnet.paper_measured('224x224') == pytest.approx(184.0 / 15.2)
    assert alexnet.paper_measured('720x1280') == pytest.approx(3633.9 / 260.1)
    assert alexnet.paper_measured('64x64') is None
    assert alexnet.paper_theoretical() == pytest.approx(720 / 38)


def test_verdicts():
    assert verdict(10.0, 12.11, 0.25) == 'holds'
    assert verdict(4.0, 12.11, 0.25) == 'does not hold'
    assert verdict(4.0, None, 0.25) == 'no paper figure'


def test_measured_ratios(rows):
    results = {(r.claim.name, r.runtime): r for r in compare_ratios(rows)}
    torch_ratio = results['ShuffleNet 0.5x vs AlexNet', 'torch']
    assert torch_ratio.measured == pytest.approx(4.0) and torch_ratio.verdict == 'does not hold'
    assert torch_ratio.theoretical == pytest.approx(0.714 / 0.038)
    onnx_ratio = results['ShuffleNet 0.5x vs AlexNet', 'onnx']
    assert onnx_ratio.measured == pytest.approx(12.0) and onnx_ratio.verdict == 'holds'
    detector = results['Faster R-CNN ShuffleNet 1x vs MobileNet 1.0', 'torch']
    assert detector.measured == pytest.approx(1.5) and detector.verdict == 'no paper figure'
    assert ('Faster R-CNN ShuffleNet 1x vs MobileNet 1.0', 'onnx') not in results  # MobileNet has no ONNX row


def test_markdown_names_the_machine_and_the_paper_device(rows):
    text = sweep_markdown(rows, ['torch', 'onnx'], X86, warmup=1, runs=5)
    assert 'AMD EPYC (x86_64), 1 thread' in text
    assert f'ms, {paper_numbers.TABLE8_DEVICE}' in text
    assert 'PyTorch eager ms (x86_64)' in text and 'ONNX Runtime ms (x86_64)' in text
    header_lines = [line for line in text.splitlines() if line.startswith('| ')]
    assert not any('ARM' in line for line in header_lines)  # an x86 figure is never labelled ARM
    assert 'not from an ARM device' in text
    assert '| 10.0 (9.0-11.0)' in text and '| 184.0' in text  # ours beside the paper's 224x224 AlexNet
    assert 'not measured: RuntimeError: boom' in text
    assert '4.00x' in text and '12.11x' in text
    assert '| 300/300' in text and '4.00x' in text  # detector RoIs and ONNX Runtime speed-up 2000/500


def test_markdown_on_arm_has_no_x86_disclaimer(rows):
    text = sweep_markdown(rows, ['torch', 'onnx'], ARM, warmup=1, runs=5)
    assert 'Cortex-A76 (aarch64)' in text and 'not from an ARM device' not in text


def test_csv_has_every_row_and_the_machine(rows, tmp_path):
    path = tmp_path / 'sweep.csv'
    write_csv(rows, X86, path)
    with open(path, newline='') as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == len(rows)
    assert {line['machine'] for line in lines} == {X86.label}
    assert lines[0]['median_ms'] == '10.0' and lines[4]['median_ms'] == ''


def test_plots_are_written(rows, tmp_path):
    plot_latency_vs_resolution(rows, X86, tmp_path / 'resolution.png')
    plot_latency_vs_mult_adds(rows, X86, tmp_path / 'mult_adds.png')
    for name in ('resolution.png', 'mult_adds.png'):
        assert (tmp_path / name).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
