"""tools/benchmark_train.py: config discovery, the schedule estimate, and a short CPU measurement with its table."""

import importlib.util
import math
from pathlib import Path

import pytest
import torch

from shufflenet_det.benchmark.train_throughput import (
    COCO_TRAIN_IMAGES,
    ThroughputRow,
    config_label,
    discover_configs,
    format_table,
    measure_configs,
)

ROOT = Path(__file__).resolve().parents[2]


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_train_tool', ROOT / 'tools' / 'benchmark_train.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_discovers_every_top_level_detector_config():
    names = [config_label(path) for path in discover_configs(ROOT)]
    for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1'):
        assert f'frcnn_{model}' in names and f'frcnn_{model}_300' in names
    assert not any(name.startswith(('demo/', 'scratch/', '_base_/')) for name in names)
    assert config_label(Path('/home/me/configs/shufflenet-det/configs/lighthead/x.py')) == 'lighthead/x'


def test_schedule_estimate():
    row = ThroughputRow('frcnn_shufflenet_1x', amp=False, batch_size=2, iteration_seconds=0.5)
    assert row.images_per_second == 4.0
    steps_per_epoch = math.ceil(COCO_TRAIN_IMAGES / 16)  # 8 GPUs x 2 images
    assert steps_per_epoch == 7393
    assert row.schedule_hours(8) == pytest.approx(24 * 7393 * 0.5 / 3600)
    assert ThroughputRow('x', True, 2, None, note='n/a').schedule_hours() is None


def test_short_cpu_measurement_and_its_table():
    config = ROOT / 'configs/frcnn_shufflenet_1x_300.py'
    device = torch.device('cpu')
    # 16 sampled RoIs per image instead of 512: the per-RoI stage dominates a CPU step (about 25 CPU-seconds).
    rows = measure_configs([config], device, (False, True), warmup=0, iters=1,
                           cfg_options={'model.train_cfg.rcnn.sampler.num': 16})
    measured, amp = rows
    assert measured.config == 'frcnn_shufflenet_1x_300' and not measured.amp
    assert measured.iteration_seconds > 0 and measured.peak_memory_mib is None
    assert amp.iteration_seconds is None and amp.note == 'n/a: AMP needs a CUDA GPU'
    table = format_table(rows, device, warmup=0, iters=1)
    assert table.startswith('Training throughput on CPU: ')
    cells = [[cell.strip() for cell in line.strip('|').split('|')] for line in table.splitlines()
             if line.startswith('| frcnn_')]
    assert cells[0][:3] == ['frcnn_shufflenet_1x_300', 'off', '2'] and cells[0][5] == 'n/a (CPU)'
    assert float(cells[0][3]) > 0 and float(cells[0][6]) > 0
    assert cells[1] == ['frcnn_shufflenet_1x_300', 'on', '2', 'n/a: AMP needs a CUDA GPU', '-', '-', '-']


def test_tool_rejects_bad_options(monkeypatch):
    tool = load_tool()
    monkeypatch.setattr('sys.argv', ['benchmark_train.py', '--iters', '0'])
    with pytest.raises(SystemExit):
        tool.parse_args()
    monkeypatch.setattr('sys.argv', ['benchmark_train.py', '--device', 'cpu', '--amp', 'off'])
    args = tool.parse_args()
    assert tool.AMP_MODES[args.amp] == (False, ) and args.batch_size == 2 and args.devices == 8
