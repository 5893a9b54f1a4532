"""The config tools/prepare_dataset.py writes, and the tool itself: summary, exit status, error form."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from tool_files import labelimg_xml, prepare, write_image

from shufflenet_det.core.project_configs import config_root
from shufflenet_det.own_data.config_writer import anchor_scales, schedule_epochs, write_config


def _voc_source(src: Path, count: int = 6) -> None:
    for number in range(count):
        image = write_image(src / 'img' / f'{number}.jpg', size=(96, 64), seed=number)
        (src / 'xml').mkdir(parents=True, exist_ok=True)
        (src / 'xml' / f'{number}.xml').write_text(
            labelimg_xml(image, [('bolt', 5, 5, 40, 30), ('washer', 50, 20, 70, 40)], size=(96, 64)))


@pytest.mark.parametrize('detector', ['demo/shapes_frcnn_shufflenet.py', 'lighthead/frcnn_lh_shufflenet_1x_300.py'])
def test_written_config_trains_on_the_prepared_data(tmp_path: Path, detector: str) -> None:
    from mmdet.registry import DATASETS

    import shufflenet_det.datasets  # noqa: F401  (registers CheckedCocoDataset)

    _voc_source(tmp_path / 'src')
    summary, _ = prepare(tmp_path / 'src', 'voc', tmp_path / 'parts')
    path = write_config(config_root() / detector, tmp_path / 'parts', summary)
    cfg = Config.fromfile(str(path))
    assert cfg.model.roi_head.bbox_head.num_classes == 2
    assert cfg.train_dataloader.dataset.metainfo.classes == ('bolt', 'washer')
    assert [step['scale'] for step in cfg.test_dataloader.dataset.pipeline if step['type'] == 'Resize'] == [(96, 64)]
    assert cfg.val_evaluator.ann_file == f'{tmp_path / "parts"}/annotations/val.json'
    assert cfg.train_cfg.max_epochs == schedule_epochs(5, cfg.train_dataloader.batch_size) == 300
    init_default_scope('mmdet')
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    instances = dataset[0]['data_samples'].gt_instances
    assert instances.labels.tolist() == [0, 1]  # bolt, washer: the file's classes in the config's order


def test_schedule_and_anchors_follow_the_dataset() -> None:
    assert schedule_epochs(800, 4) == 12 and schedule_epochs(100, 4) == 96 and schedule_epochs(10, 2) == 300
    assert anchor_scales([6.0, 40.0]) == [0.5, 1.0, 2.0, 4.0]  # 8-64 px anchors at stride 16
    assert anchor_scales([40.0, 300.0]) == [2.0, 4.0, 8.0, 16.0, 32.0]


SCRIPT = Path(__file__).resolve().parents[2] / 'tools' / 'prepare_dataset.py'
spec = importlib.util.spec_from_file_location('prepare_dataset', SCRIPT)
prepare_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prepare_tool)


def _run_tool(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, 'argv', ['tools/prepare_dataset.py', *args])
    status = prepare_tool.main()
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_tool_prints_the_summary_and_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture) -> None:
    _voc_source(tmp_path / 'src')
    (tmp_path / 'src' / 'xml' / '5.xml').write_text(
        labelimg_xml(tmp_path / 'src/img/5.jpg', [('bolt', 5, 5, 4, 30)], size=(96, 64)))
    status, out, err = _run_tool(monkeypatch, capsys, str(tmp_path / 'src'), '--format', 'voc', '--out',
                                 str(tmp_path / 'out'), '--epochs', '3')
    assert status == 0, err
    assert '| boxes: washer       | 4     | 1   |' in out
    assert ('boxes of zero or negative width or height (skipped): 1\n'
            f'    {tmp_path}/src/xml/5.xml object 1: 0 x 26 px') in out
    summary = json.loads((tmp_path / 'out/summary.json').read_text())
    assert summary['command'].startswith('python tools/prepare_dataset.py') and summary['format'] == 'voc'
    assert Config.fromfile(str(tmp_path / 'out/out_shapes_frcnn_shufflenet.py')).train_cfg.max_epochs == 3

    status, _, err = _run_tool(monkeypatch, capsys, str(tmp_path / 'src'), '--format', 'voc', '--out',
                               str(tmp_path / 'out'), '--detector', 'demo/shapes_frcnn_mobilenet.py')
    assert status == 0, err
    assert sorted(path.name for path in (tmp_path / 'out').glob('*.py')) == ['out_shapes_frcnn_mobilenet.py']


def test_tool_reports_bad_input_as_an_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    (tmp_path / 'src').mkdir()
    (tmp_path / 'src' / 'a.jpg').write_bytes(b'')
    status, _, err = _run_tool(monkeypatch, capsys, str(tmp_path / 'src'), '--format', 'yolo', '--out',
                               str(tmp_path / 'out'))
    assert status == 1
    assert err.startswith(f'error: {tmp_path}/src has no data.yaml or classes.txt') and err.count('\n') == 1
