"""A per-category time breakdown of one inference, and its tables."""

from collections import defaultdict
from dataclasses import dataclass, field

from ...core.markdown import markdown_table
from .categories import DETECTOR_PART_ORDER, OP_CATEGORIES, PART_GLUE, PART_OVERHEAD


@dataclass
class Breakdown:
    """Time of one inference split by operation category and by model part.

    Both splits cover the same time: each sums to ``total_ms``.

    Attributes:
        model: Display name of the model.
        input_label: ``HxW`` of the input.
        runtime: The runtime that ran it.
        runs: Profiled runs (the times are the mean of their middle half by total time).
        by_op: Milliseconds per operation category.
        by_part: Milliseconds per model part.
        notes: How the times were taken (profiling overhead, fusions).
    """

    model: str
    input_label: str
    runtime: str
    runs: int
    by_op: dict[str, float] = field(default_factory=dict)
    by_part: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total_ms(self) -> float:
        """Milliseconds of one profiled inference."""
        return sum(self.by_op.values())

    @property
    def by_kind(self) -> dict[str, float]:
        """Milliseconds of the network (every part but glue and overhead), the glue, and the runtime overhead."""
        glue, overhead = self.by_part.get(PART_GLUE, 0.0), self.by_part.get(PART_OVERHEAD, 0.0)
        return {'network': self.total_ms - glue - overhead, PART_GLUE: glue, PART_OVERHEAD: overhead}


Record = tuple[str, str, float]
"""One timed piece of an inference: (part, operation category, milliseconds)."""


def typical_runs(runs: list[list[Record]]) -> list[list[Record]]:
    """The middle half of ``runs`` by total time (at least one run), so a stall on a busy machine drops out."""
    by_total = sorted(runs, key=lambda records: sum(ms for _, _, ms in records))
    quarter = len(by_total) // 4
    return by_total[quarter:len(by_total) - quarter] or by_total[:1]


def accumulate(runs: list[list[Record]]) -> tuple[dict[str, float], dict[str, float]]:
    """Mean milliseconds per run by operation and by part over the :func:`typical_runs` of ``runs``.

    Args:
        runs: For each profiled run, its ``(part, op, milliseconds)`` records.
    """
    kept = typical_runs(runs)
    by_op: dict[str, float] = defaultdict(float)
    by_part: dict[str, float] = defaultdict(float)
    for records in kept:
        for part, op, milliseconds in records:
            by_op[op] += milliseconds / len(kept)
            by_part[part] += milliseconds / len(kept)
    return dict(by_op), dict(by_part)


def ordered(times: dict[str, float], order: tuple[str, ...]) -> list[tuple[str, float]]:
    """``times`` items in ``order`` first, then the rest by decreasing time; zero entries dropped."""
    known = [(name, times[name]) for name in order if times.get(name)]
    rest = sorted(((name, ms) for name, ms in times.items() if name not in order and ms), key=lambda item: -item[1])
    return known + rest


def breakdown_markdown(breakdown: Breakdown, machine_label: str) -> str:
    """Two Markdown tables (by operation, by part) with ms and % of the total, under a heading naming the machine."""
    total = breakdown.total_ms

    def table(title: str, items: list[tuple[str, float]]) -> str:
        rows = [[name, ms, f'{100 * ms / total:.1f} %'] for name, ms in items]
        rows.append(['total', total, '100 %'])
        return markdown_table([title, 'ms', 'share'], rows)

    heading = (f'### Time breakdown: {breakdown.model} at {breakdown.input_label}, {breakdown.runtime}\n\n'
               f'Measured on {machine_label}; mean of the middle half of {breakdown.runs} profiled runs.')
    notes = ''.join(f'\n- {note}' for note in breakdown.notes)
    return '\n\n'.join([heading + notes, table('operation', ordered(breakdown.by_op, OP_CATEGORIES)),
                        table('part', ordered(breakdown.by_part, DETECTOR_PART_ORDER)),
                        table('network, glue, overhead', list(breakdown.by_kind.items()))])
