"""Every output path is checked before the work starts; a full or read-only disk and Ctrl-C during a checkpoint save
are named, leave no temporary file behind, and --resume then continues."""

import errno
import os
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_tool_in_process, train_tiny
from mmengine.config import config as mmengine_config
from mmengine.fileio import LocalBackend
from mmengine.runner import Runner

from shufflenet_det.cli.run_setup import INTERRUPTED_STATUS, reported_errors
from shufflenet_det.core.errors import OutputPathError
from shufflenet_det.core.output_paths import check_writable_file, check_writable_folder
from shufflenet_det.deploy import bench, evaluate

DEMO_CONFIG = str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py')


@pytest.fixture
def paths(tmp_path) -> dict[str, Path]:
    """An existing folder, an existing file, and a path under that file."""
    folder, file = tmp_path / 'folder', tmp_path / 'file.txt'
    folder.mkdir()
    file.write_text('not a folder\n')
    return dict(folder=folder, file=file, under_file=file / 'out.json')


def test_file_and_folder_checks(paths):
    with pytest.raises(OutputPathError, match=re.escape(f'--json {paths["folder"]}: is a folder, not a file; give a '
                                                        'file path (it may lie in that folder)')):
        check_writable_file(paths['folder'], '--json')
    with pytest.raises(OutputPathError, match=re.escape(f'--json {paths["under_file"]}: {paths["file"]} is a file, '
                                                        'not a folder')):
        check_writable_file(paths['under_file'], '--json')
    with pytest.raises(OutputPathError, match=re.escape(f'--work-dir {paths["file"]}: is a file, not a folder; give '
                                                        'a folder')):
        check_writable_folder(paths['file'], '--work-dir')
    assert check_writable_file(paths['folder'] / 'new' / 'out.json', '--json') == paths['folder'] / 'new' / 'out.json'
    assert check_writable_folder(paths['folder'] / 'new', '--out') == paths['folder'] / 'new'


def test_an_unwritable_folder_is_named(paths, monkeypatch):
    monkeypatch.setattr(os, 'access', lambda path, mode: Path(path) != paths['folder'])
    with pytest.raises(OutputPathError, match=re.escape(
            f'--json {paths["folder"]}/out.json: cannot write in {paths["folder"]}: permission denied; write '
            "somewhere else or change the folder's permissions")):
        check_writable_file(paths['folder'] / 'out.json', '--json')


@pytest.mark.parametrize('tool, args, message', [
    ('train.py', [DEMO_CONFIG, '--work-dir', '{file}'], 'error: --work-dir {file}: is a file, not a folder; give a '
                                                        'folder'),
    ('test.py', [DEMO_CONFIG, 'missing.pth', '--out', '{file}/results.pkl'],
     'error: --out {file}/results.pkl: {file} is a file, not a folder'),
    ('demo.py', ['--json', '{folder}'], 'error: --json {folder}: is a folder, not a file; give a file path (it may lie '
                                        'in that folder)'),
    ('demo.py', ['--work-dir', '{file}/demo'], 'error: --work-dir {file}/demo: {file} is a file, not a folder'),
    ('compare.py', ['--out', '{file}'], 'error: --out {file}: is a file, not a folder; give a folder'),
    ('convert_checkpoint.py', ['timm', 'missing.pth', '--out', '{folder}'],
     'error: --out {folder}: is a folder, not a file; give a file path (it may lie in that folder)'),
    ('make_dataset.py', ['--out', '{file}'], 'error: --out {file}: is a file, not a folder; give a folder'),
    ('report.py', ['--json', '{under_file}'], 'error: --json {under_file}: {file} is a file, not a folder'),
])
def test_tools_check_output_paths_before_any_work(tool, args, message, paths, monkeypatch):
    args = [arg.format(**paths) for arg in args]
    assert run_tool_in_process(tool, *args, monkeypatch=monkeypatch) == message.format(**paths)


def test_export_and_the_device_tools_check_output_paths_first(paths, monkeypatch, capsys):
    assert run_tool_in_process('prepare_dataset.py', str(paths['folder']), '--format', 'coco', '--out',
                               str(paths['under_file']), monkeypatch=monkeypatch) == '1'
    assert f'error: --out {paths["under_file"]}: {paths["file"]} is a file, not a folder' in capsys.readouterr().err
    assert run_tool_in_process('test_tiled.py', DEMO_CONFIG, 'missing.pth', '--ann', 'a.json', '--images', '.',
                               '--tile', '64', '--json', str(paths['folder']), monkeypatch=monkeypatch) == '1'
    assert f'error: --json {paths["folder"]}: is a folder, not a file' in capsys.readouterr().err
    assert run_tool_in_process('export.py', DEMO_CONFIG, 'random', '--out', str(paths['file']),
                               monkeypatch=monkeypatch) == '1'
    assert f'error: --out {paths["file"]}: is a file, not a folder' in capsys.readouterr().err
    assert evaluate.main(['missing.onnx', '--ann', 'a.json', '--images', '.', '--json', str(paths['folder'])]) == 1
    assert f'error: --json {paths["folder"]}: is a folder, not a file' in capsys.readouterr().err
    assert bench.main(['missing.onnx', '--json', str(paths['under_file'])]) == 2
    assert f'error: --json {paths["under_file"]}: {paths["file"]} is a file, not a folder' in capsys.readouterr().err


def _failing_put(monkeypatch, failing_save: int, code: int) -> None:
    """Make the ``failing_save``-th checkpoint write fail half-way with OSError ``code``."""
    real_put, saves = LocalBackend.put, {'count': 0}

    def put(self, obj: bytes, filepath) -> None:
        if str(filepath).endswith('.tmp'):
            saves['count'] += 1
            if saves['count'] == failing_save:
                Path(filepath).write_bytes(obj[:len(obj) // 2])
                raise OSError(code, os.strerror(code), str(filepath))
        real_put(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', put)


@pytest.mark.parametrize('code, meaning', [
    (errno.ENOSPC, 'the disk is full (no space left on device); free some space'),
    (errno.EROFS, 'the file system is read-only; write somewhere else'),
])
def test_a_failed_checkpoint_write_is_named_cleaned_up_and_resumable(code, meaning, tmp_path, monkeypatch):
    _failing_put(monkeypatch, failing_save=2, code=code)
    with pytest.raises(OutputPathError) as error:
        train_tiny(tmp_path, max_epochs=3, max_keep_ckpts=1)
    assert str(error.value) == (f'checkpoint {tmp_path}/epoch_2.pth was not saved: {meaning}. The last complete '
                                f'checkpoint is {tmp_path}/epoch_1.pth: --resume continues from it.')
    assert not list(tmp_path.glob('.*.tmp')) and sorted(p.name for p in tmp_path.glob('*.pth')) == ['epoch_1.pth']
    monkeypatch.undo()
    assert train_tiny(tmp_path, max_epochs=3, max_keep_ckpts=1, resume=True).iter == 6


def test_ctrl_c_during_a_save_is_an_interruption_not_a_config_error(tmp_path, monkeypatch):
    """MMEngine formats the config into each checkpoint and reports any exception of its formatter, Ctrl-C
    included, as a syntax error of the config."""
    real_save, real_format, saves = Runner.save_checkpoint, mmengine_config.FormatCode, {'count': 0}

    def save_checkpoint(self, *args, **kwargs):
        saves['count'] += 1
        return real_save(self, *args, **kwargs)

    def format_code(*args, **kwargs):
        if saves['count'] == 2:
            raise KeyboardInterrupt
        return real_format(*args, **kwargs)

    monkeypatch.setattr(Runner, 'save_checkpoint', save_checkpoint)
    monkeypatch.setattr(mmengine_config, 'FormatCode', format_code)
    with pytest.raises(KeyboardInterrupt) as interrupt:
        train_tiny(tmp_path, max_epochs=3, max_keep_ckpts=1)
    assert str(interrupt.value) == (f'while saving {tmp_path}/epoch_2.pth, which was not saved. The last complete '
                                    f'checkpoint is {tmp_path}/epoch_1.pth: --resume continues from it.')
    assert not list(tmp_path.glob('.*.tmp')) and (tmp_path / 'epoch_1.pth').is_file()


@pytest.mark.parametrize('raised', [KeyboardInterrupt('while saving x.pth'), 'syntax error from Ctrl-C'])
def test_the_tools_report_ctrl_c_as_an_interruption(raised, capsys):
    with pytest.raises(SystemExit) as exit_info, reported_errors(debug=False):
        if raised == 'syntax error from Ctrl-C':
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise SyntaxError('Failed to format the config file')  # noqa: B904  (as MMEngine raises it)
        raise raised
    assert exit_info.value.code == INTERRUPTED_STATUS
    expected = 'error: interrupted (Ctrl-C)' + (' while saving x.pth' if isinstance(raised, KeyboardInterrupt) else '')
    assert capsys.readouterr().err.strip() == expected


def test_a_disk_error_outside_a_save_is_named_too(capsys):
    with pytest.raises(SystemExit) as exit_info, reported_errors(debug=False):
        raise OSError(errno.ENOSPC, 'No space left on device', 'work_dirs/x/history.json')
    assert exit_info.value.code == ('error: cannot write work_dirs/x/history.json: the disk is full (no space left on '
                                    'device); free some space')
