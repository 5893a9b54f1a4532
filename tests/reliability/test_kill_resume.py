"""A training run killed with SIGKILL at any moment, even inside a checkpoint save, resumes from its last complete
checkpoint and finishes: no more work is lost than since that checkpoint."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, write_tiny_detector_config

from shufflenet_det.checkpoints import read_checkpoint
from shufflenet_det.engine import find_resume_checkpoint

DRIVER = Path(__file__).with_name('kill_driver.py')
ITERS_PER_EPOCH = 2  # 4 training images, batch 2
MAX_EPOCHS = 3
START_TIMEOUT = 900  # seconds to reach the pause; a run takes about a minute on 2 idle cores


@pytest.fixture
def tiny_config(tiny_shapes, tmp_path) -> Path:
    """The demo ShuffleNet detector on 4 images of 96 px, 3 epochs, a checkpoint every epoch, only the last kept."""
    return write_tiny_detector_config(tmp_path / 'tiny.py', tiny_shapes, MAX_EPOCHS)


def start(config: Path, work_dir: Path, pause_at: str, save_number: int, resume: bool) -> subprocess.Popen:
    args = [str(config), '--work-dir', str(work_dir)] + (['--resume'] if resume else [])
    return subprocess.Popen([sys.executable, str(DRIVER), pause_at, str(save_number), '--', *args],
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def kill_when_paused(process: subprocess.Popen, work_dir: Path, signal_number: int = signal.SIGKILL) -> str:
    """Wait until the run pauses inside a save, then send it ``signal_number``; return where it paused."""
    marker = work_dir / 'paused'
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not marker.exists():
            assert process.poll() is None, f'the run ended before pausing: {process.stderr.read()}'
            assert time.monotonic() < deadline, 'the run did not reach the save in time'
            time.sleep(0.2)
    finally:
        process.send_signal(signal_number)
        process.wait()
    where = marker.read_text()
    marker.unlink()
    return where


def committed(work_dir: Path) -> list[str]:
    path = work_dir / 'committed.txt'
    return path.read_text().split() if path.exists() else []


def assert_resumable_from_last_commit(work_dir: Path) -> Path:
    """The checkpoint a resume picks is the last one put in place before the kill, and it loads completely."""
    last = Path(committed(work_dir)[-1])
    assert find_resume_checkpoint(work_dir) == last
    assert (work_dir / 'last_checkpoint').read_text() == str(last)
    assert read_checkpoint(last)['meta']['epoch'] == int(last.stem.split('_')[1])
    return last


@pytest.mark.slow  # a training run in a fresh interpreter: about a minute on 2 idle cores
def test_killed_while_writing_a_checkpoint_resumes_from_the_previous_one(tiny_config, tmp_path):
    work_dir = tmp_path / 'work'
    where = kill_when_paused(start(tiny_config, work_dir, 'write', 2, resume=False), work_dir)
    assert where.startswith('write') and where.endswith('.epoch_2.pth.tmp')
    assert assert_resumable_from_last_commit(work_dir) == work_dir / 'epoch_1.pth'


@pytest.mark.slow  # four training runs in fresh interpreters: a few minutes on 2 idle cores
def test_killed_at_several_moments_the_run_still_finishes(tiny_config, tmp_path):
    work_dir = tmp_path / 'work'
    # 1. Half of epoch 2's temporary file written: epoch 1 stays the last complete checkpoint.
    kill_when_paused(start(tiny_config, work_dir, 'write', 2, resume=False), work_dir)
    assert assert_resumable_from_last_commit(work_dir) == work_dir / 'epoch_1.pth'
    # 2. Resumed; epoch 2's file complete but not renamed: max_keep_ckpts=1 must not have deleted epoch 1 yet.
    kill_when_paused(start(tiny_config, work_dir, 'commit', 1, resume=True), work_dir)
    assert (work_dir / 'resumed.txt').read_text().split() == [str(work_dir / 'epoch_1.pth'), str(ITERS_PER_EPOCH)]
    assert assert_resumable_from_last_commit(work_dir) == work_dir / 'epoch_1.pth'
    # 3. Resumed again; epoch 2 put in place (epoch 1 pruned), killed with epoch 3's file complete, not renamed.
    kill_when_paused(start(tiny_config, work_dir, 'commit', 2, resume=True), work_dir)
    assert assert_resumable_from_last_commit(work_dir) == work_dir / 'epoch_2.pth'
    # 4. Resumed without interruption: it finishes, from epoch 2's state, keeping the last checkpoint only.
    finished = start(tiny_config, work_dir, 'none', 0, resume=True)
    assert finished.wait(timeout=START_TIMEOUT) == 0, finished.stderr.read()
    assert (work_dir / 'resumed.txt').read_text().split() == [str(work_dir / 'epoch_2.pth'),
                                                              str(2 * ITERS_PER_EPOCH)]
    assert sorted(path.name for path in work_dir.glob('*.pth')) == [f'epoch_{MAX_EPOCHS}.pth']
    assert read_checkpoint(work_dir / f'epoch_{MAX_EPOCHS}.pth')['meta']['iter'] == MAX_EPOCHS * ITERS_PER_EPOCH
    assert not list(work_dir.glob('.*.tmp'))


@pytest.mark.slow  # two training runs in fresh interpreters: about two minutes on 2 idle cores
def test_ctrl_c_while_writing_a_checkpoint_is_reported_and_resumable(tiny_config, tmp_path):
    work_dir = tmp_path / 'work'
    process = start(tiny_config, work_dir, 'write', 2, resume=False)
    kill_when_paused(process, work_dir, signal.SIGINT)
    assert process.returncode == 130
    assert process.stderr.read().strip().splitlines()[-1] == (
        f'error: interrupted (Ctrl-C) while saving {work_dir}/epoch_2.pth, which was not saved. The last complete '
        f'checkpoint is {work_dir}/epoch_1.pth: --resume continues from it.')
    assert not list(work_dir.glob('.*.tmp')) and not (work_dir / 'training.lock').exists()
    finished = start(tiny_config, work_dir, 'none', 0, resume=True)
    assert finished.wait(timeout=START_TIMEOUT) == 0, finished.stderr.read()
    assert (work_dir / 'resumed.txt').read_text().split() == [str(work_dir / 'epoch_1.pth'), str(ITERS_PER_EPOCH)]
