"""One training per work dir: a lock file naming the run that holds it, taken over once that run has ended.

The lock is a POSIX record lock (``lockf``) on ``<work_dir>/training.lock``: the kernel releases it when the holding
process ends, however it ends (even ``kill -9``), and the process's forked data loader workers do not inherit it. The
file records who holds it (pid, host, start time, command) for the message a second run gets. Where the file system
has no record locks, whether the recorded process is still running decides.
"""

import errno
import fcntl
import json
import logging
import os
import shlex
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from mmengine.logging import print_log

from ..core.errors import WorkDirBusyError

LOCK_FILE = 'training.lock'


@dataclass(frozen=True)
class LockHolder:
    """The run recorded in a lock file."""

    pid: int
    host: str
    started: str
    command: str

    @classmethod
    def this_process(cls) -> 'LockHolder':
        """This process, started now."""
        return cls(pid=os.getpid(), host=socket.gethostname(),
                   started=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC'),
                   command=shlex.join([Path(sys.executable).name, *sys.argv]))

    def describe(self) -> str:
        """``'pid 1234 on host, started 2024-01-01 10:00:00 UTC: python tools/train.py ...'``."""
        return f'pid {self.pid} on {self.host}, started {self.started}: {self.command}'

    def is_running(self) -> bool | None:
        """Whether the process still runs; None when it cannot be told (another host)."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # it exists, under another user
            return True
        return True


@contextmanager
def hold_work_dir(work_dir: str | Path, enabled: bool = True) -> Iterator[None]:
    """Hold ``work_dir`` for one training for the ``with`` block; another training refused meanwhile.

    A lock left by a run that has ended (killed, crashed) is taken over with a warning naming that run.

    Args:
        work_dir: The training's work dir; created if missing.
        enabled: False in the processes of a distributed training other than rank 0 (rank 0 holds it for all).

    Raises:
        WorkDirBusyError: If another training holds the work dir, naming that run.
    """
    if not enabled:
        yield
        return
    path = Path(work_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = _acquire(path)
    try:
        previous = _read_holder(descriptor)
        if previous is not None:
            print_log(f'work dir {work_dir}: taking over the lock of a run that ended without releasing it '
                      f'({previous.describe()})', logger='current', level=logging.WARNING)
        _write_holder(descriptor, LockHolder.this_process())
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _acquire(path: Path) -> int:
    """Open and lock ``path``; retry when the holder removed the file between our open and lock."""
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                _refuse(path, descriptor, running=True)
            _check_recorded_process(path, descriptor)
        try:
            same_file = os.stat(path).st_ino == os.fstat(descriptor).st_ino
        except FileNotFoundError:
            same_file = False
        if same_file:
            return descriptor
        os.close(descriptor)


def _check_recorded_process(path: Path, descriptor: int) -> None:
    """Without record locks: refuse unless the recorded holder has certainly ended."""
    holder = _read_holder(descriptor)
    if holder is not None and holder.pid != os.getpid() and holder.is_running() is not False:
        _refuse(path, descriptor, running=holder.is_running())


def _refuse(path: Path, descriptor: int, running: bool | None) -> None:
    holder = _read_holder(descriptor)
    os.close(descriptor)
    who = holder.describe() if holder is not None else 'a run that has not recorded itself yet'
    stale = '' if running else (f' (if that run has ended, e.g. on a machine that crashed, delete {path})')
    raise WorkDirBusyError(f'work dir {path.parent} is in use by another training ({who}){stale}; wait for it to '
                           'finish, or give this run another --work-dir')


def _read_holder(descriptor: int) -> LockHolder | None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 65536).decode('utf-8', errors='replace')
    try:
        return LockHolder(**json.loads(text))
    except (ValueError, TypeError):
        return None


def _write_holder(descriptor: int, holder: LockHolder) -> None:
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, (json.dumps(asdict(holder)) + '\n').encode('utf-8'))
    os.fsync(descriptor)
