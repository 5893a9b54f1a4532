"""A work dir held by a running training is refused to a second one, naming the first; a lock left by a run that
ended is taken over with a warning; under a launcher only rank 0 locks."""

import errno
import fcntl
import json
import multiprocessing
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_tool_in_process
from mmengine.config import Config

from shufflenet_det.cli.run_setup import launcher_rank
from shufflenet_det.core.errors import WorkDirBusyError
from shufflenet_det.engine.work_dir_lock import LOCK_FILE, hold_work_dir
from shufflenet_det.shapes.training_run import train_detector

DEMO_CONFIG = str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py')


def _hold(work_dir: str, held, release) -> None:
    with hold_work_dir(work_dir):
        held.set()
        release.wait(60)


@pytest.fixture
def held_work_dir(tmp_path):
    """A work dir held by another process (a forked child) for the test's duration; (work dir, child's pid)."""
    work_dir = tmp_path / 'work'
    context = multiprocessing.get_context('fork')
    held, release = context.Event(), context.Event()
    child = context.Process(target=_hold, args=(str(work_dir), held, release))
    child.start()
    assert held.wait(30), 'the child did not take the lock'
    yield work_dir, child.pid
    release.set()
    child.join(30)


def test_a_second_training_is_refused_naming_the_first(held_work_dir, monkeypatch):
    work_dir, pid = held_work_dir
    holder = json.loads((work_dir / LOCK_FILE).read_text())
    assert holder['pid'] == pid and holder['host'] == socket.gethostname()
    message = run_tool_in_process('train.py', DEMO_CONFIG, '--work-dir', str(work_dir), monkeypatch=monkeypatch)
    assert message == (f'error: work dir {work_dir} is in use by another training (pid {pid} on {holder["host"]}, '
                       f'started {holder["started"]}: {holder["command"]}); wait for it to finish, or give this run '
                       'another --work-dir')
    assert list(work_dir.iterdir()) == [work_dir / LOCK_FILE]  # nothing of the refused run was written


def test_demo_and_compare_trainings_are_refused_too(held_work_dir):
    work_dir, pid = held_work_dir
    with pytest.raises(WorkDirBusyError, match=f'is in use by another training \\(pid {pid} '):
        train_detector(Config.fromfile(DEMO_CONFIG), work_dir)


def test_the_lock_is_released_after_the_run(tmp_path):
    with hold_work_dir(tmp_path):
        assert json.loads((tmp_path / LOCK_FILE).read_text())['command']
    assert not (tmp_path / LOCK_FILE).exists()
    with hold_work_dir(tmp_path):  # and can be taken again
        pass


def _dead_pid() -> int:
    process = subprocess.Popen(['true'])
    process.wait()
    return process.pid


def _stale_lock(work_dir: Path, pid: int) -> dict:
    holder = dict(pid=pid, host=socket.gethostname(), started='2024-01-01 10:00:00 UTC',
                  command='python tools/train.py configs/demo/shapes_frcnn_shufflenet.py')
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / LOCK_FILE).write_text(json.dumps(holder))
    return holder


def test_a_lock_left_by_a_killed_run_is_taken_over_with_a_warning(tmp_path, warnings_seen):
    holder = _stale_lock(tmp_path, _dead_pid())
    with hold_work_dir(tmp_path):
        assert json.loads((tmp_path / LOCK_FILE).read_text())['pid'] != holder['pid']
    assert (f'work dir {tmp_path}: taking over the lock of a run that ended without releasing it (pid '
            f'{holder["pid"]} on {holder["host"]}, started 2024-01-01 10:00:00 UTC: python tools/train.py '
            'configs/demo/shapes_frcnn_shufflenet.py)') in warnings_seen.text


def test_without_record_locks_the_recorded_process_decides(tmp_path, monkeypatch, warnings_seen):
    def no_record_locks(*args):
        raise OSError(errno.ENOLCK, 'No locks available')

    monkeypatch.setattr(fcntl, 'lockf', no_record_locks)
    running = subprocess.Popen(['sleep', '60'])
    try:
        _stale_lock(tmp_path, running.pid)
        with pytest.raises(WorkDirBusyError, match=f'is in use by another training \\(pid {running.pid} '):
            with hold_work_dir(tmp_path):
                pass
    finally:
        running.kill()
        running.wait()
    _stale_lock(tmp_path, _dead_pid())
    with hold_work_dir(tmp_path):
        pass
    assert 'taking over the lock of a run that ended' in warnings_seen.text


def test_under_a_launcher_only_rank_0_locks(tmp_path, monkeypatch):
    monkeypatch.setenv('RANK', '1')
    assert launcher_rank('pytorch') == 1 and launcher_rank('none') == 0
    with hold_work_dir(tmp_path, enabled=launcher_rank('pytorch') == 0):
        assert not (tmp_path / LOCK_FILE).exists()
