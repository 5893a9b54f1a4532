"""Check output paths before any work starts, and name the disk errors met while writing them.

Standard library only: the torch-free device tools use these checks too.
"""

import errno
import os
from pathlib import Path

from .errors import OutputPathError

#: What each write error means to the user, and what to do about it.
WRITE_ERRORS = {
    errno.ENOSPC: 'the disk is full (no space left on device); free some space',
    errno.EDQUOT: 'the disk quota is used up; free some space',
    errno.EROFS: 'the file system is read-only; write somewhere else',
    errno.EACCES: 'permission denied; write somewhere else or change the folder\'s permissions',
    errno.EPERM: 'operation not permitted; write somewhere else or change the folder\'s permissions',
    errno.EFBIG: 'the file is larger than this process may write (file size limit); raise the limit',
}


def check_writable_file(path: str | Path, option: str) -> Path:
    """Check that a file can be written at ``path``: it is no folder and lies in (or under) a writable folder.

    Missing folders above it are fine (they are created when it is written) as long as the nearest existing one
    is a writable folder.

    Args:
        path: The file the tool will write.
        option: How the user gave it, for the message, e.g. ``'--json'``.

    Returns:
        ``path`` as a ``Path``.

    Raises:
        OutputPathError: Naming the option, the path and what is wrong with it.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f'{option} {path}: is a folder, not a file; give a file path (it may lie in that '
                              'folder)')
    if path.exists():
        if not os.access(path, os.W_OK):
            raise OutputPathError(f'{option} {path}: cannot overwrite it: {_why_not_writable(path)}')
        return path
    _check_parent(path, option)
    return path


def check_writable_folder(path: str | Path, option: str) -> Path:
    """Check that ``path`` is, or can be created as, a folder this process may write in.

    Args:
        path: The folder the tool will write into.
        option: How the user gave it, for the message, e.g. ``'--work-dir'``.

    Returns:
        ``path`` as a ``Path``.

    Raises:
        OutputPathError: Naming the option, the path and what is wrong with it.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputPathError(f'{option} {path}: is a file, not a folder; give a folder')
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputPathError(f'{option} {path}: cannot write in it: {_why_not_writable(path)}')
        return path
    _check_parent(path, option)
    return path


def write_error_meaning(error: OSError) -> str | None:
    """What a failed write means and what to do (``'the disk is full ...; free some space'``), or None."""
    return WRITE_ERRORS.get(error.errno)


def write_error_message(error: OSError) -> str | None:
    """``'cannot write PATH: <what it means>'`` for a failed write, or None for other errors."""
    meaning = write_error_meaning(error)
    if meaning is None:
        return None
    where = f' {error.filename}' if error.filename else ''
    return f'cannot write{where}: {meaning}'


def _check_parent(path: Path, option: str) -> None:
    """The nearest existing folder above ``path`` must be a folder this process can create entries in."""
    nearest = next(parent for parent in path.absolute().parents if parent.exists() or parent == parent.parent)
    if not nearest.is_dir():
        raise OutputPathError(f'{option} {path}: {nearest} is a file, not a folder')
    if not os.access(nearest, os.W_OK | os.X_OK):
        raise OutputPathError(f'{option} {path}: cannot write in {nearest}: {_why_not_writable(nearest)}')


def _why_not_writable(path: Path) -> str:
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        return WRITE_ERRORS[errno.EROFS]
    return WRITE_ERRORS[errno.EACCES]

