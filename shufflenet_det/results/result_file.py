"""Result files: the rows of a published table with the machine, command, commit and date they came from.

A result file is one JSON object::

    {"kind": "grid", "machine": "...", "command": "...", "commit": "...", "date": "...",
     "transcribed_from": null, "rows": [{...}, ...]}

``kind`` picks the table the rows make (:mod:`shufflenet_det.results.tables`). ``transcribed_from`` names the
document a transcribed result was copied from when the run's own files were not kept (then any field the
document does not state is null); it is null for a file a tool wrote. Further keys (``machine_details``,
``notes``, ...) are kept as they are.
"""

import datetime
import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..core.errors import ResultFileError
from ..engine.atomic_files import write_text

#: Keys every result file has (a value may be null where its source does not state it).
PROVENANCE_KEYS = ('machine', 'command', 'commit', 'date')
REQUIRED_KEYS = ('kind', *PROVENANCE_KEYS, 'rows')
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def source_commit(root: Path = SOURCE_ROOT) -> str | None:
    """The git commit of the checkout at ``root``, ``+dirty`` when it has uncommitted changes; None outside git."""
    try:
        head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=root, capture_output=True, text=True, check=True)
        status = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'], cwd=root,
                                capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ('+dirty' if status.stdout.strip() else '')


def run_provenance(machine: str, argv: Sequence[str] | None = None) -> dict[str, str | None]:
    """Machine, command, commit and date of the running process, for a result file it writes.

    Call it when the run starts, so that the commit is the code that ran and the date the run's start.

    Args:
        machine: One line naming the machine (e.g. :attr:`shufflenet_det.deploy.machine.Machine.label`).
        argv: The command line; default ``sys.argv``.
    """
    return {'machine': machine, 'command': shlex.join(['python', *(sys.argv if argv is None else argv)]),
            'commit': source_commit(),
            'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}


def write_result_file(path: Path, kind: str, rows: Sequence[dict], provenance: dict, **extra: object) -> None:
    """Write a result file of ``kind`` holding ``rows``, ``provenance`` (see :func:`run_provenance`) and ``extra``."""
    missing = [key for key in PROVENANCE_KEYS if key not in provenance]
    if missing:
        raise ResultFileError(f'provenance of {path} lacks {", ".join(missing)}')
    data = {'kind': kind, **{key: provenance[key] for key in PROVENANCE_KEYS}, 'transcribed_from': None,
            **extra, 'rows': list(rows)}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(data, indent=2) + '\n')


def read_result_file(path: Path) -> dict:
    """Read and check a result file.

    Raises:
        ResultFileError: If the file is missing, not JSON, or lacks a key of :data:`REQUIRED_KEYS`.
    """
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ResultFileError(f'result file {path} does not exist; name a file under results/') from None
    except json.JSONDecodeError as error:
        raise ResultFileError(f'result file {path} is not JSON ({error})') from None
    missing = [key for key in REQUIRED_KEYS if key not in data] if isinstance(data, dict) else list(REQUIRED_KEYS)
    if missing:
        raise ResultFileError(f'result file {path} lacks {", ".join(missing)}: every result file holds '
                              f'{", ".join(REQUIRED_KEYS)} (null where the source does not state it)')
    return data
