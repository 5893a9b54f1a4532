"""No code runs from a checkpoint file, whichever tool reads it; the project's own checkpoints still load."""

import shutil

import pytest
import torch
from conftest import ROOT, run_tool, run_tool_in_process
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import CheckpointLoader

from shufflenet_det.checkpoints import convert_file, load_weights, read_checkpoint
from shufflenet_det.core.errors import CheckpointFileError
from shufflenet_det.engine import configure_resume

DEMO_CONFIG = str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py')


def test_read_checkpoint_refuses_the_payload_and_names_file_and_type(crafted_checkpoint):
    path, folder = crafted_checkpoint
    with pytest.raises(CheckpointFileError) as error:
        read_checkpoint(path)
    assert str(path) in str(error.value) and 'posix.mkdir' in str(error.value)
    assert not folder.exists()


def test_every_loading_path_refuses_the_payload(crafted_checkpoint, tmp_path):
    path, folder = crafted_checkpoint
    loaders = [lambda: CheckpointLoader.load_checkpoint(str(path)),  # load_from, --resume and init_cfg in MMEngine
               lambda: load_weights(torch.nn.Linear(1, 1), path),  # test.py and export.py
               lambda: convert_file('megvii', path)]  # convert_checkpoint.py
    for load in loaders:
        with pytest.raises(CheckpointFileError, match='posix.mkdir'):
            load()
    with pytest.raises(CheckpointFileError, match='posix.mkdir'):
        configure_resume(_config(tmp_path), str(path))
    assert not folder.exists()


def _config(work_dir):
    from mmengine.config import Config
    return Config(dict(work_dir=str(work_dir)))


@pytest.mark.slow  # a fresh interpreter importing MMDetection: about a minute on 2 busy cores
def test_test_tool_refuses_the_payload_without_a_traceback(crafted_checkpoint):
    path, folder = crafted_checkpoint
    result = run_tool('test.py', DEMO_CONFIG, str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f'error: checkpoint {path} holds a posix.mkdir object')
    assert 'Traceback' not in result.stderr
    assert not folder.exists()


def test_test_and_export_tools_refuse_the_payload(crafted_checkpoint, tmp_path, monkeypatch, capsys):
    path, folder = crafted_checkpoint
    message = run_tool_in_process('test.py', DEMO_CONFIG, str(path), '--work-dir', str(tmp_path),
                                  monkeypatch=monkeypatch)
    assert message.startswith(f'error: checkpoint {path} holds a posix.mkdir object')
    assert run_tool_in_process('export.py', DEMO_CONFIG, str(path), '--out', str(tmp_path),
                               monkeypatch=monkeypatch) == '1'
    assert f'error: checkpoint {path} holds a posix.mkdir object' in capsys.readouterr().err
    assert not folder.exists() and not list(tmp_path.glob('*.onnx'))


def test_mmengine_training_state_loads_with_its_history_buffers(tiny_work_dir):
    checkpoint = read_checkpoint(tiny_work_dir / 'epoch_3.pth')
    assert set(checkpoint) >= {'meta', 'state_dict', 'message_hub', 'optimizer', 'param_schedulers'}
    loss = checkpoint['message_hub']['log_scalars']['train/loss']
    assert isinstance(loss, HistoryBuffer) and loss.mean() > 0 and loss.max() >= loss.min()


def test_getattr_is_allowed_for_history_buffer_statistics_only(tmp_path):
    class ReachesInit:
        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init__')

    path = tmp_path / 'getattr.pth'
    torch.save({'x': ReachesInit()}, path)
    with pytest.raises(CheckpointFileError, match=r"getattr\(HistoryBuffer,'__init__'\)"):
        read_checkpoint(path)


@pytest.mark.parametrize('kind, content, message', [
    ('empty', b'', r'is empty \(0 bytes\)'),
    ('text', b'this is a README, not weights\n', 'is not a PyTorch checkpoint'),
    ('random', bytes(range(256)) * 20, 'is not a PyTorch checkpoint'),
    ('truncated', None, 'is truncated or corrupt'),
])
def test_convert_tool_names_files_that_are_not_checkpoints(kind, content, message, tiny_work_dir, tmp_path,
                                                          monkeypatch):
    path = tmp_path / f'{kind}.pth'
    if content is None:
        path.write_bytes((tiny_work_dir / 'epoch_3.pth').read_bytes()[:4000])
    else:
        path.write_bytes(content)
    exit_message = run_tool_in_process('convert_checkpoint.py', 'megvii', str(path), '--out-dir', str(tmp_path),
                                       monkeypatch=monkeypatch)
    assert exit_message.startswith(f'error: checkpoint {path} ')
    assert __import__('re').search(message, exit_message)


def test_own_checkpoint_in_another_folder_needs_no_trust_flag(tiny_work_dir, tmp_path):
    moved = tmp_path / 'elsewhere.pth'
    shutil.copy(tiny_work_dir / 'epoch_2.pth', moved)
    assert CheckpointLoader.load_checkpoint(str(moved))['meta']['epoch'] == 2
