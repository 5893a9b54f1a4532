"""The backbone x scale grid: cells from configs, resume from finished cells, the table, CSV and plot."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from shufflenet_det.core.config_edits import set_epochs
from shufflenet_det.core.errors import ConfigError
from shufflenet_det.core.project_configs import config_scale
from shufflenet_det.results.doc_tables import update_document
from shufflenet_det.results.result_file import read_result_file
from shufflenet_det.results.shapes_rows import GridRow
from shufflenet_det.shapes.grid import (
    DEFAULT_CONFIGS,
    GRID_RESULT_FILE,
    RESULT_FILE,
    Cell,
    backbone_name,
    cell_config,
    claim_cell_folder,
    grid_cells,
    head_name,
    run_cell,
    write_outputs,
)

ROOT = Path(__file__).resolve().parents[2]


def row(detector: str, backbone: str, scale: int, map_torch: float, ort_ms: float) -> GridRow:
    values = dict.fromkeys(GridRow.field_names(), 1.0)
    values.update(detector=detector, backbone=backbone, head='C4', scale=scale, map_torch=map_torch, ort_ms=ort_ms)
    return GridRow(**values)


def test_cells_are_every_config_at_every_factor():
    cells = grid_cells(['a/x.py', 'a/y.py'], [1, 2])
    assert [cell.name for cell in cells] == ['x_x1', 'x_x2', 'y_x1', 'y_x2']


def test_cell_config_scales_the_input_and_moves_the_data(tmp_path):
    config = str(ROOT / DEFAULT_CONFIGS[0])
    base = Config.fromfile(config)
    cfg = cell_config(Cell(config, 2), tmp_path / 'shapes', epochs=None)
    scaled, base_scale = config_scale(cfg), config_scale(base)
    assert (scaled.scale, scaled.max_size) == (2 * base_scale.scale, 2 * base_scale.max_size)
    train_resize = next(step for step in cfg.train_dataloader.dataset.pipeline if step['type'] == 'Resize')
    assert max(train_resize['scale']) == 2 * base_scale.max_size
    assert cfg.val_evaluator.ann_file == f'{tmp_path / "shapes"}/annotations/instances_val.json'
    assert cfg.train_dataloader.dataset.data_root == f'{tmp_path / "shapes"}/'


def test_set_epochs_keeps_validation_at_three_quarters_and_stretches_the_cosine():
    cfg = Config.fromfile(str(ROOT / DEFAULT_CONFIGS[0]))
    epochs = cfg.train_cfg.max_epochs
    assert cfg.train_cfg.val_begin == cfg.train_cfg.val_interval == epochs * 3 // 4
    set_epochs(cfg, 2 * epochs)
    assert cfg.train_cfg.max_epochs == 2 * epochs and cfg.train_cfg.val_interval == epochs * 3 // 2
    cosine = next(s for s in cfg.param_scheduler if s['type'] == 'CosineAnnealingLR')
    assert cosine['end'] == cosine['T_max'] == 2 * epochs


def test_backbone_names():
    assert backbone_name(Config.fromfile(str(ROOT / DEFAULT_CONFIGS[0]))) == 'ShuffleNetV1 0.5x g3'
    assert backbone_name(Config.fromfile(str(ROOT / DEFAULT_CONFIGS[1]))) == 'MobileNetV1 0.25'


def test_head_names_tell_the_layouts_apart():
    assert head_name(Config.fromfile(str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py'))) == 'C4'
    assert head_name(Config.fromfile(str(ROOT / 'configs/demo/shapes_frcnn_lh_shufflenet.py'))) == 'light head'


def test_finished_cells_are_reused(tmp_path):
    cell = Cell(str(ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'), 1)
    claim_cell_folder(tmp_path / cell.name, cell_config(cell, tmp_path / 'data', 3))
    finished = row('shapes_frcnn_mobilenet', 'X', 192, 12.5, 3.0)  # made up: a trained cell could not match it
    (tmp_path / cell.name / RESULT_FILE).write_text(json.dumps(finished.as_dict()))
    lines = []
    assert run_cell(cell, tmp_path, tmp_path / 'data', 3, log=lines.append) == finished
    assert 'reusing' in lines[0]


def test_a_cell_started_with_another_schedule_is_refused(tmp_path):
    cell = Cell(str(ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'), 1)
    claim_cell_folder(tmp_path / cell.name, cell_config(cell, tmp_path / 'data', 3))
    (tmp_path / cell.name / RESULT_FILE).write_text(json.dumps(row('m', 'X', 192, 12.5, 3.0).as_dict()))
    with pytest.raises(ConfigError, match='another config or schedule.*--out'):
        run_cell(cell, tmp_path, tmp_path / 'data', 4)


def test_a_cell_folder_without_a_config_record_is_refused(tmp_path):
    cell = Cell(str(ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'), 1)
    (tmp_path / cell.name).mkdir()
    (tmp_path / cell.name / RESULT_FILE).write_text(json.dumps(row('m', 'X', 192, 12.5, 3.0).as_dict()))
    with pytest.raises(ConfigError, match='without a record of its config'):
        run_cell(cell, tmp_path, tmp_path / 'data', 4)


def test_outputs_table_csv_and_plot(tmp_path):
    rows = [row('s', 'ShuffleNetV1 0.5x g3', 192, 30.0, 20.0), row('s', 'ShuffleNetV1 0.5x g3', 384, 40.0, 60.0),
            row('m', 'MobileNetV1 0.25', 192, 25.0, 18.0), row('m', 'MobileNetV1 0.25', 384, 33.0, 55.0)]
    rows[0].map_torch_at_75 = 24.0
    provenance = {'machine': 'Test CPU (x86_64), 1 thread', 'command': 'python tools/compare.py', 'commit': 'abc',
                  'date': '2026-01-01T00:00:00+00:00'}
    write_outputs(rows, tmp_path, provenance, epochs=36)
    with (tmp_path / 'compare.csv').open() as handle:
        read = list(csv.DictReader(handle))
    assert [r['backbone'] for r in read] == [r.backbone for r in rows]
    assert {'backbone', 'scale', 'map_torch', 'map_onnx', 'gflops', 'ort_ms'} <= set(read[0])
    table = (tmp_path / 'compare.md').read_text()
    assert 'MobileNetV1 0.25' in table and 'Test CPU' in table and 'took 4.0 min together' in table
    assert 'last-quarter gain' in table and '| 24.0 ' in table and '| +25 % ' in table
    assert (tmp_path / 'accuracy_vs_latency.png').read_bytes().startswith(b'\x89PNG')


def test_the_grid_writes_a_result_file_the_table_generator_publishes(tmp_path):
    rows = [row('s', 'ShuffleNetV1 0.5x g3', 192, 30.0, 20.0), row('m', 'MobileNetV1 0.25', 192, 25.0, 18.0)]
    provenance = {'machine': 'Test CPU (x86_64), 1 thread', 'command': 'python tools/compare.py', 'commit': 'abc',
                  'date': '2026-01-01T00:00:00+00:00'}
    write_outputs(rows, tmp_path, provenance, epochs=36)
    data = read_result_file(tmp_path / GRID_RESULT_FILE)
    assert data['kind'] == 'grid' and data['epochs'] == 36 and data['commit'] == 'abc'
    assert data['cell_min_total'] == 2.0 and data['transcribed_from'] is None
    assert [GridRow(**r) for r in data['rows']] == rows
    doc = f'<!-- table: {GRID_RESULT_FILE} view=compact -->\n<!-- end table -->\n'
    published = update_document(doc, tmp_path)
    assert '| MobileNetV1 0.25 ' in published and 'Test CPU' in published and '| 18.0 ' in published


def test_a_cell_finished_before_rows_had_a_latency_is_reused_as_untimed(tmp_path):
    cell = Cell(str(ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'), 1)
    claim_cell_folder(tmp_path / cell.name, cell_config(cell, tmp_path / 'data', 3))
    old = row('shapes_frcnn_mobilenet', 'X', 192, 12.5, 3.0).as_dict()
    del old['ort_ms']
    (tmp_path / cell.name / RESULT_FILE).write_text(json.dumps(old))
    assert run_cell(cell, tmp_path, tmp_path / 'data', 3, log=print).ort_ms is None


def test_quick_grid_runs_end_to_end_and_resumes(tmp_path):
    out = tmp_path / 'quick'
    command = [sys.executable, 'tools/compare.py', '--quick', '--out', str(out)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    with (out / 'compare.csv').open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 and {r['scale'] for r in rows} == {str(s) for s in (192, 384)}
    assert all(0 <= float(r['map_onnx']) <= 100 and float(r['ort_ms']) > 0 for r in rows)
    assert len(read_result_file(out / GRID_RESULT_FILE)['rows']) == 4
    # pycocotools' summaries go to each training's log file, not to the screen
    assert 'Average Precision' not in first.stdout
    logs = list(out.glob('*/train/*/*.log'))
    assert len(logs) == 4 and all('Average Precision' in log.read_text() for log in logs)
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and again.stdout.count('reusing') == 4
    assert len(read_result_file(out / GRID_RESULT_FILE)['cells_from_earlier_runs']) == 4
