"""Plain-text Markdown tables for the command-line tools."""

from collections.abc import Sequence


def format_cell(value: object) -> str:
    """Render one cell: floats with up to 3 significant decimals, ``None`` as a dash."""
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.3g}' if abs(value) < 10 else f'{value:.1f}'
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Format ``rows`` under ``headers`` as an aligned Markdown table."""
    cells = [list(headers)] + [[format_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return '| ' + ' | '.join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + ' |'

    separator = '|' + '|'.join('-' * (width + 2) for width in widths) + '|'
    return '\n'.join([line(cells[0]), separator] + [line(row) for row in cells[1:]])
