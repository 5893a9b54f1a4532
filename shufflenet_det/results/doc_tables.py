"""Keep the tables and figures in README.md and docs/*.md equal to what their result files make.

A generated table sits between two marker comments that name its result file and, optionally, a view::

    <!-- table: results/grid/shapes_36ep.json view=compact -->
    ...generated, do not edit...
    <!-- end table -->

A generated figure is an image line ending in a marker that names its result file; the PNG (a path relative to
the document) is drawn from that file::

    ![accuracy vs latency](images/shapes_36ep.png) <!-- figure: results/grid/shapes_36ep.json -->

:func:`update_document` rewrites everything between the markers; :func:`stale_documents` lists the documents
whose committed tables differ from what their files make (the check ``tools/make_tables.py --check`` and the
test suite run).
"""

import re
from pathlib import Path

from ..core.errors import ResultFileError
from .figures import draw_figure
from .result_file import read_result_file
from .tables import DEFAULT_VIEW, render

OPENING = '<!-- table: '
#: A marked table: the opening marker at the start of a line, the generated lines, the end marker on its own line.
MARKER = re.compile(r'^<!-- table: (?P<file>\S+)(?: view=(?P<view>\S+))? -->\n(?P<body>.*?)^<!-- end table -->$',
                    re.DOTALL | re.MULTILINE)
OPENINGS = re.compile(f'^{OPENING}', re.MULTILINE)
#: A figure line: a Markdown image of a PNG followed by the marker naming the result file it is drawn from.
FIGURE = re.compile(r'^!\[[^\]]*\]\((?P<image>[^)\s]+\.png)\) <!-- figure: (?P<file>\S+) -->$', re.MULTILINE)


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


def figures(root: Path) -> list[tuple[Path, Path]]:
    """Every marked figure under ``root``: (its result file, the PNG it is drawn to)."""
    return [(root / match['file'], path.parent / match['image']) for path in documents(root) if path.is_file()
            for match in FIGURE.finditer(path.read_text())]


def missing_figures(root: Path) -> list[Path]:
    """The marked figures under ``root`` whose PNG has not been drawn."""
    return [image for _, image in figures(root) if not image.is_file()]


def update_documents(root: Path) -> list[Path]:
    """Regenerate every marked table and draw every marked figure under ``root``.

    Returns:
        The documents whose tables changed and the figures whose image changed.
    """
    changed = []
    for path in documents(root):
        if not path.is_file():
            continue
        text = path.read_text()
        updated = update_document(text, root, str(path.relative_to(root)))
        if updated != text:
            path.write_text(updated)
            changed.append(path)
    for result_file, image in figures(root):
        before = image.read_bytes() if image.is_file() else None
        draw_figure(read_result_file(result_file), str(result_file.relative_to(root)), image)
        if image.read_bytes() != before:
            changed.append(image)
    return changed


def result_files_in_use(root: Path) -> set[Path]:
    """The result files some document's marker names."""
    return {root / match['file'] for path in documents(root) if path.is_file()
            for match in MARKER.finditer(path.read_text())} | {result_file for result_file, _ in figures(root)}
