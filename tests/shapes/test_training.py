"""train_detector: validation history at the chosen epochs, training time, and resuming an interrupted run."""

from pathlib import Path

import pytest
from mmengine.config import Config

from shufflenet_det.core.config_edits import set_data_root, set_epochs, set_input_scale
from shufflenet_det.datasets import generate_dataset
from shufflenet_det.deploy.preprocess import InputScale
from shufflenet_det.shapes.training_run import read_history, run_log_file, train_detector

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp('shapes')
    generate_dataset(root, num_train=4, num_val=2)
    return root


def tiny_config(data_root: Path, epochs: int) -> Config:
    cfg = Config.fromfile(str(ROOT / 'configs/demo/shapes_frcnn_mobilenet.py'))
    set_data_root(cfg, data_root)
    set_input_scale(cfg, InputScale(96, 128))
    set_epochs(cfg, epochs)
    cfg.train_dataloader.batch_size = 2
    return cfg


def test_history_records_validations_and_survives_a_resume(data_root, tmp_path):
    lines = []
    first = train_detector(tiny_config(data_root, 2), tmp_path / 'work', progress=lines.append)
    assert sorted(first.vals) == [2] and first.train_seconds > 0 and first.checkpoint.name == 'epoch_2.pth'
    assert any('epoch 1/2' in line for line in lines) and any('val after epoch 2' in line for line in lines)

    resumed = train_detector(tiny_config(data_root, 4), tmp_path / 'work', progress=None)
    assert resumed.runner.epoch == 4
    history = read_history(tmp_path / 'work')
    assert sorted(history['epochs'], key=int) == ['1', '2', '3', '4']  # epochs 1-2 from the first run
    assert 'bbox_mAP' in resumed.final and resumed.train_seconds > first.train_seconds

    fresh = train_detector(tiny_config(data_root, 1), tmp_path / 'work', resume=False, progress=None)
    assert sorted(read_history(tmp_path / 'work')['epochs']) == ['1'] and sorted(fresh.vals) == [1]


def test_the_screen_gets_progress_lines_and_the_log_file_everything_else(data_root, tmp_path, capsys):
    trained = train_detector(tiny_config(data_root, 1), tmp_path / 'work')
    screen = capsys.readouterr().out
    assert screen.splitlines() == [line for line in screen.splitlines() if line.startswith('    ')]  # progress only
    assert 'epoch 1/1' in screen and 'val after epoch 1' in screen
    assert 'Average Precision' not in screen and 'loading annotations' not in screen
    log = run_log_file(trained.runner).read_text()
    assert 'Average Precision' in log
