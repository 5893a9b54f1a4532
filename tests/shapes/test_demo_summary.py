"""The demo's result file and table: a row per config, metrics in percent, mAP at 75 % and 100 % of the schedule."""

from pathlib import Path

from shufflenet_det.core.config_edits import load_with_epochs
from shufflenet_det.results.convergence import last_quarter_gain
from shufflenet_det.results.doc_tables import update_document
from shufflenet_det.results.result_file import read_result_file
from shufflenet_det.results.tables import demo_table
from shufflenet_det.shapes.demo import DemoResult, convergence_warnings, write_json
from shufflenet_det.shapes.training_run import TrainedDetector, percent_metrics

PROVENANCE = {'machine': 'Test CPU (x86_64), 1 thread', 'command': 'python tools/demo.py --json demo.json',
              'commit': 'abc', 'date': '2026-01-01T00:00:00+00:00'}


def metrics(mAP: float) -> dict:
    return {'bbox_mAP': mAP, 'bbox_mAP_50': mAP + 20, 'bbox_mAP_75': mAP, 'bbox_mAP_s': mAP - 10,
            'bbox_mAP_m': mAP + 5, 'bbox_mAP_l': mAP + 10, 'seconds': 12.0}


def result(config: str, at_75: float, final: float) -> DemoResult:
    trained = TrainedDetector(runner=None, checkpoint=Path('epoch_8.pth'), vals={6: metrics(at_75), 8: metrics(final)},
                              train_seconds=150.0)
    return DemoResult(config, trained, gflops=0.5, mparams=1.2)


def test_json_is_a_result_file_with_provenance_and_a_row_per_config(tmp_path):
    results = [result('configs/demo/a.py', 30.0, 32.5), result('configs/demo/b.py', 20.0, 21.0)]
    write_json(results, tmp_path / 'out' / 'demo.json', PROVENANCE)
    data = read_result_file(tmp_path / 'out' / 'demo.json')
    assert data['kind'] == 'demo' and data['machine'] == PROVENANCE['machine'] and data['commit'] == 'abc'
    assert [row['config'] for row in data['rows']] == ['configs/demo/a.py', 'configs/demo/b.py']
    entry = data['rows'][0]
    for key in ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l', 'gflops', 'train_minutes'):
        assert isinstance(entry[key], float), key
    assert entry['bbox_mAP'] == 32.5 and entry['train_minutes'] == 2.5
    assert entry['bbox_mAP_by_epoch'] == {'6': 30.0, '8': 32.5}
    assert 'seconds' not in entry


def test_a_demo_result_file_publishes_the_table_the_demo_prints(tmp_path):
    results = [result('configs/demo/a.py', 30.0, 32.5)]
    write_json(results, tmp_path / 'results' / 'demo.json', PROVENANCE)
    published = update_document('<!-- table: results/demo.json -->\n<!-- end table -->', tmp_path)
    assert demo_table([results[0].row()]) in published and 'python tools/demo.py --json demo.json' in published


def test_table_shows_the_map_at_75_and_100_percent():
    table = demo_table([result('configs/demo/a.py', 30.0, 32.5).row()])
    header, _, line = table.splitlines()
    assert 'mAP @75%' in header and 'AP_s' in header
    cells = [cell.strip() for cell in line.strip('|').split('|')]
    assert cells[:4] == ['a', '30.0', '32.5', '+8 %']


def test_only_detectors_still_gaining_5_percent_or_more_are_called_not_converged():
    results = [result('configs/demo/rising.py', 30.0, 32.5), result('configs/demo/flat.py', 40.0, 41.0),
               result('configs/demo/edge.py', 20.0, 21.0)]
    warnings = convergence_warnings(results)
    assert len(warnings) == 2
    assert warnings[0].startswith('rising is not converged: its mAP rose +8 %') and '--epochs' in warnings[0]
    assert warnings[1].startswith('edge is not converged')


def test_last_quarter_gain_is_relative_and_unknown_without_a_validation_at_75_percent():
    assert last_quarter_gain(40.0, 50.0) == 25.0
    assert last_quarter_gain(None, 50.0) is None and last_quarter_gain(0.0, 5.0) is None


def test_percent_metrics_keep_minus_one_for_missing_sizes():
    converted = percent_metrics({'coco/bbox_mAP': 0.4123, 'coco/bbox_mAP_l': -1.0, 'coco/bbox_mAP_50': 0.7})
    assert converted == {'bbox_mAP': 41.23, 'bbox_mAP_50': 70.0, 'bbox_mAP_l': -1.0}


def test_epochs_stretch_the_demo_schedule_and_keep_validation_at_three_quarters():
    root = Path(__file__).resolve().parents[2]
    cfg = load_with_epochs(str(root / 'configs/demo/shapes_frcnn_shufflenet.py'), 16)
    assert (cfg.train_cfg.max_epochs, cfg.train_cfg.val_begin, cfg.train_cfg.val_interval) == (16, 12, 12)
    assert load_with_epochs(str(root / 'configs/demo/shapes_frcnn_shufflenet.py'), None).train_cfg.max_epochs != 16
