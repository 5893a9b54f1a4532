"""Keep the tables in README.md and docs/*.md equal to what their result files make.

A generated table sits between two marker comments that name its result file and, optionally, a view::

    <!-- table: results/grid/shapes_36ep.json view=compact -->
    ...generated, do not edit...
    <!-- end table -->

:func:`update_document` rewrites everything between the markers; :func:`stale_documents` lists the documents
whose committed tables differ from what their files make (the check ``tools/make_tables.py --check`` and the
test suite run).
"""

import re
from pathlib import Path

from ..core.errors import ResultFileError
from .result_file import read_result_file
from .tables import DEFAULT_VIEW, render

OPENING = '<!-- table: '
#: A marked table: the opening marker at the start of a line, the generated lines, the end marker on its own line.
MARKER = re.compile(r'^<!-- table: (?P<file>\S+)(?: view=(?P<view>\S+))? -->\n(?P<body>.*?)^<!-- end table -->$',
                    re.DOTALL | re.MULTILINE)
OPENINGS = re.compile(f'^{OPENING}', re.MULTILINE)


def documents(root: Path) -> list[Path]:
    """The documents whose tables are generated: README.md and every docs/*.md."""
    return [root / 'README.md', *sorted((root / 'docs').glob('*.md'))]


def update_document(text: str, root: Path, name: str = 'the document') -> str:
    """``text`` with every marked table regenerated from its result file (paths relative to ``root``).

    Raises:
        ResultFileError: If a marker has no end marker, or its file or view cannot make a table.
    """
    if len(OPENINGS.findall(text)) != len(MARKER.findall(text)):
        raise ResultFileError(f'{name} has a "{OPENING}..." marker without its "<!-- end table -->"')

    def regenerate(match: re.Match) -> str:
        file, view = match['file'], match['view'] or DEFAULT_VIEW
        table = render(read_result_file(root / file), file, view)
        opening = f'{OPENING}{file}{"" if view == DEFAULT_VIEW else f" view={view}"} -->'
        return f'{opening}\n{table}\n<!-- end table -->'

    return MARKER.sub(regenerate, text)


def stale_documents(root: Path) -> list[Path]:
    """The documents under ``root`` whose marked tables differ from what their result files make."""
    return [path for path in documents(root) if path.is_file()
            and update_document(path.read_text(), root, str(path.relative_to(root))) != path.read_text()]


def update_documents(root: Path) -> list[Path]:
    """Regenerate every marked table under ``root``; return the documents that changed."""
    changed = []
    for path in documents(root):
        if not path.is_file():
            continue
        text = path.read_text()
        updated = update_document(text, root, str(path.relative_to(root)))
        if updated != text:
            path.write_text(updated)
            changed.append(path)
    return changed


def result_files_in_use(root: Path) -> set[Path]:
    """The result files some document's marker names."""
    return {root / match['file'] for path in documents(root) if path.is_file()
            for match in MARKER.finditer(path.read_text())}
