"""Where a count came from: host machine, command, commit, date and emulator, stored with every result."""

import datetime
import os
import subprocess
import sys
from pathlib import Path


def git_commit(folder: Path) -> str:
    """``HEAD``'s commit id of the checkout holding ``folder`` (``+dirty`` with uncommitted changes), or ``unknown``."""
    def git(*arguments: str) -> str:
        return subprocess.run(['git', '-C', str(folder), *arguments], text=True, capture_output=True).stdout.strip()

    commit = git('rev-parse', 'HEAD')
    if not commit:
        return 'unknown'
    return commit + ('+dirty' if git('status', '--porcelain', '--untracked-files=no') else '')


def host_cpu() -> str:
    """The host CPU's model name (the machine that emulated, not the one emulated)."""
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown'


def provenance_now() -> dict:
    """Host CPU, its load (other jobs skew timings, not counts), command, commit and date of a measurement now."""
    checkout = Path(__file__).resolve().parents[2]
    return {'host_cpu': host_cpu(), 'host_load_average_1min': round(os.getloadavg()[0], 2),
            'command': ' '.join(sys.argv), 'commit': git_commit(checkout),
            'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}


def provenance(emulator: str, plugin: Path) -> dict:
    """:func:`provenance_now` with the emulator and plugin of an instruction count."""
    return {**provenance_now(), 'emulator': emulator, 'plugin': plugin.name}
