"""Put files in place so that a kill at any moment leaves either the old file or the complete new one."""

import os
from pathlib import Path


def sync_file(path: str | Path) -> None:
    """Flush ``path``'s content to the disk (``fsync``)."""
    with open(path, 'rb') as file:
        os.fsync(file.fileno())


def sync_folder(path: str | Path) -> None:
    """Flush ``path``'s folder entries to the disk, so that a rename in it survives a power loss."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def commit(temporary: str | Path, path: str | Path) -> None:
    """Flush the complete ``temporary`` file and rename it to ``path`` in one step (same folder)."""
    sync_file(temporary)
    os.replace(temporary, path)
    sync_folder(Path(path).parent)


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed and renamed into place.

    The temporary file is deleted when the write fails (a full disk, Ctrl-C), leaving ``path`` as it was.
    """
    path = Path(path)
    temporary = path.with_name(f'.{path.name}.tmp')
    try:
        with open(temporary, 'w', encoding='utf-8') as file:
            file.write(text)
            file.flush()
        commit(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
