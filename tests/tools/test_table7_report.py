"""Table 7 with the paper's numbers beside results read from MMEngine work dirs (tools/report.py prints it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from shufflenet_det.checkpoints import find_architecture
from shufflenet_det.core.project_configs import SCALES, config_for
from shufflenet_det.datasets import generate_dataset
from shufflenet_det.results import table7 as report
from shufflenet_det.results.doc_tables import update_document
from shufflenet_det.results.result_file import write_result_file

ROOT = Path(__file__).resolve().parents[2]

#: Backbone config of each Table 7 row.
BACKBONES = {'ShuffleNet 2x (g=3)': dict(type='ShuffleNetV1', groups=3, widen_factor=2.0),
             'ShuffleNet 1x (g=3)': dict(type='ShuffleNetV1', groups=3, widen_factor=1.0),
             '1.0 MobileNet-224': dict(type='MobileNetV1', widen_factor=1.0)}


def write_run(work_dir: Path, timestamp: str, config: str, test_map: float | None = None,
              val_maps: tuple[float, ...] = (), started_from: str | None = None) -> None:
    """Write the files MMEngine leaves after a run: a tools/test.py evaluation or validations during training.

    ``started_from`` is the config file the run was started with (default: the one the work dir is named after).
    """
    run_dir = work_dir / timestamp
    (run_dir / 'vis_data').mkdir(parents=True)
    (run_dir / 'vis_data' / 'config.py').write_text(config)
    (work_dir / (started_from or f'{work_dir.name}.py')).write_text(config)
    if test_map is not None:
        (run_dir / f'{timestamp}.json').write_text(json.dumps(
            {'coco/bbox_mAP': test_map, 'coco/bbox_mAP_50': 0.5, 'data_time': 0.01, 'time': 0.2}))
    lines = [{'loss': 1.0, 'epoch': 1, 'iter': 10, 'step': 10}]
    lines += [{'coco/bbox_mAP': value, 'coco/bbox_mAP_50': 0.5, 'step': epoch}
              for epoch, value in enumerate(val_maps, start=1)]
    (run_dir / 'vis_data' / 'scalars.json').write_text('\n'.join(map(json.dumps, lines)))


def run_config(load_from: str | None = None, max_epochs: int = 24) -> str:
    return (f'load_from = {load_from!r}\ntrain_cfg = dict(type="EpochBasedTrainLoop", max_epochs={max_epochs})\n'
            'val_evaluator = dict(ann_file="data/coco/annotations/instances_val2017.json")\n'
            'test_evaluator = dict(ann_file="data/coco/annotations/instances_val2017.json")\n')


def table_rows(text: str) -> dict[str, list[str]]:
    """The table's rows by config, as lists of cells."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip('|').split('|')]
        if line.startswith('| ') and len(cells) == 7 and cells[0] != 'backbone':
            rows[cells[2]] = cells
    return rows


def test_rows_are_read_from_test_and_validation_results(tmp_path):
    # The 600 config was tested at its last epoch, after a run that validated each epoch.
    work_dir = tmp_path / 'frcnn_shufflenet_1x'
    write_run(work_dir, '20250101_000000', run_config(), val_maps=(0.101, 0.150))
    write_run(work_dir, '20250102_000000', run_config(f'{work_dir}/epoch_24.pth'), test_map=0.196)
    # The 300 config stopped after 2 of 24 epochs: only its validations exist.
    write_run(tmp_path / 'frcnn_shufflenet_1x_300', '20250101_000000', run_config(), val_maps=(0.05, 0.081),
              started_from='frcnn_shufflenet_1x.py')
    # A test of an early checkpoint of the timm MobileNet at 600.
    write_run(tmp_path / 'frcnn_mobilenet_v1', '20250101_000000', run_config('w/epoch_12.pth'), test_map=0.17)

    text = report.report(tmp_path)
    rows = table_rows(text)
    assert len(rows) == len(report.ROWS)
    assert rows['frcnn_shufflenet_1x'] == ['ShuffleNet 1x (g=3)', 'Megvii', 'frcnn_shufflenet_1x',
                                           '14.5', '8.1*', '19.8', '19.6']
    assert rows['frcnn_mobilenet_v1'][3:] == ['16.4 / 14.9', 'not run', '19.8 / 19.3', '17.0*']
    assert rows['frcnn_shufflenet_2x'][3:] == ['18.7', 'not run', '25.0', 'not run']
    assert (f'- frcnn_shufflenet_1x: 19.6 mAP, test of epoch_24.pth, on '
            f'data/coco/annotations/instances_val2017.json ({work_dir}/20250102_000000/20250102_000000.json)'
            in text)
    assert '- frcnn_shufflenet_1x_300: 8.1 mAP, validation after epoch 2 of 24' in text
    # The runs of the 300 work dir were not started from frcnn_shufflenet_1x_300.py: said, not hidden.
    assert 'holds runs of frcnn_shufflenet_1x.py, not of frcnn_shufflenet_1x_300.py' in text
    assert text.count('holds runs of') == 1


def test_nothing_run_gives_the_papers_table(tmp_path):
    rows = table_rows(report.report(tmp_path))
    assert all(row[4] == row[6] == 'not run' for row in rows.values())
    assert [rows[config][3] for _, _, config in report.ROWS[:3]] == ['18.7', '18.7', '14.5']


@pytest.mark.parametrize('backbone,weights,config', report.ROWS)
def test_rows_name_existing_configs_of_their_backbone_and_weights(backbone, weights, config):
    for scale in SCALES:
        assert config_for(config, scale).is_file()
    cfg = Config.fromfile(str(ROOT / 'configs' / f'{config}.py'))
    for key, value in BACKBONES[backbone.removesuffix(', light head')].items():
        assert cfg.model.backbone[key] == value
    init_cfg = cfg.model.backbone.get('init_cfg')
    if weights == 'none':
        assert init_cfg is None
    else:
        source, _ = find_architecture(Path(init_cfg.checkpoint).stem)
        assert source.name == weights.lower()


@pytest.mark.slow
def test_report_on_a_real_run_of_the_built_in_dataset(tmp_path):
    """Train one epoch on the built-in dataset, evaluate with tools/test.py, and report it."""
    data_root = tmp_path / 'shapes'
    generate_dataset(data_root, num_train=8, num_val=2)
    val_ann = data_root / 'annotations/instances_val.json'
    options = [f'{loader}.dataset.data_root={data_root}/' for loader in
               ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    options += [f'val_evaluator.ann_file={val_ann}', f'test_evaluator.ann_file={val_ann}',
                'train_dataloader.batch_size=4', 'train_cfg.max_epochs=1']
    work_dir = tmp_path / 'work_dirs' / 'frcnn_shufflenet_1x_300'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    config = 'configs/demo/shapes_frcnn_shufflenet.py'
    for command in (['tools/train.py', config], ['tools/test.py', config, str(work_dir / 'epoch_1.pth')]):
        result = subprocess.run([sys.executable, *command, '--work-dir', str(work_dir), '--cfg-options', *options],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]

    result = subprocess.run([sys.executable, 'tools/report.py', '--work-dirs', str(tmp_path / 'work_dirs')],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    tested = json.loads(next(work_dir.glob('*/2*.json')).read_text())['coco/bbox_mAP']
    row = table_rows(result.stdout)['frcnn_shufflenet_1x']
    assert row[4] == f'{100 * tested:.1f}' and row[6] == 'not run'
    assert f'test of epoch_1.pth, on {val_ann}' in result.stdout
    assert 'holds runs of shapes_frcnn_shufflenet.py, not of frcnn_shufflenet_1x_300.py' in result.stdout


def test_light_head_rows_have_no_paper_number():
    light_head = [row for row in report.ROWS if row[0].endswith(', light head')]
    assert [config for _, _, config in light_head] == [
        'lighthead/frcnn_lh_shufflenet_2x', 'lighthead/frcnn_lh_shufflenet_1x', 'lighthead/frcnn_lh_mobilenet_v1']
    assert all(report.paper_cell(backbone, scale) == 'ours only' for backbone, _, _ in light_head
               for scale in report.SCALES)


def test_the_result_file_publishes_the_table_the_report_prints(tmp_path):
    work_root = tmp_path / 'work_dirs'
    write_run(work_root / 'frcnn_shufflenet_1x', '20250101_000000', run_config('w/epoch_24.pth'), test_map=0.196)
    rows = [report.result_row(name, scale, result) for name, scale, result in report.find_results(work_root)]
    assert rows[0]['config'] == 'frcnn_shufflenet_1x' and rows[0]['bbox_mAP'] == 19.6 and rows[0]['final']
    provenance = {'machine': 'Test CPU', 'command': 'python tools/report.py --json t.json', 'commit': None,
                  'date': '2026-01-01'}
    write_result_file(tmp_path / 'table7.json', 'coco_table7', rows, provenance)
    published = update_document('<!-- table: table7.json -->\n<!-- end table -->', tmp_path)
    assert report.table7_table(rows) in published and report.table7_table(rows) in report.report(work_root)
