"""Wall-clock latency of a callable: warm-up, repeated runs, median and spread."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..deploy.timing import percentile


@dataclass(frozen=True)
class Latency:
    """Summary of repeated latency measurements, in milliseconds.

    Attributes:
        median_ms: Median of the runs.
        p10_ms: 10th percentile (the fast end of the spread).
        p90_ms: 90th percentile (the slow end of the spread).
        min_ms: Fastest run.
        runs: Number of timed runs.
    """

    median_ms: float
    p10_ms: float
    p90_ms: float
    min_ms: float
    runs: int

    @property
    def spread_percent(self) -> float:
        """Width of the 10-90 % band relative to the median, in percent."""
        return 100 * (self.p90_ms - self.p10_ms) / self.median_ms if self.median_ms else 0.0

    @classmethod
    def from_samples(cls, samples_ms: list[float]) -> 'Latency':
        """Summarise raw per-run latencies in milliseconds.

        Raises:
            ValueError: If ``samples_ms`` is empty.
        """
        if not samples_ms:
            raise ValueError('no latency samples: time at least one run (--runs >= 1)')
        ordered = sorted(samples_ms)
        return cls(median_ms=statistics.median(ordered), p10_ms=percentile(ordered, 10),
                   p90_ms=percentile(ordered, 90), min_ms=ordered[0], runs=len(ordered))


def time_callable(run: Callable[[], object], warmup: int, runs: int,
                  on_run: Callable[[], None] | None = None) -> Latency:
    """Call ``run`` ``warmup`` times untimed, then ``runs`` times timed one by one.

    Args:
        run: The work to time (one inference).
        warmup: Untimed calls first (memory allocation, lazy initialisation, caches).
        runs: Timed calls.
        on_run: Called after every call, warm-up included (to advance a progress bar).

    Raises:
        ValueError: If ``warmup`` is negative or ``runs`` is below 1.
    """
    if warmup < 0 or runs < 1:
        raise ValueError(f'need warmup >= 0 and runs >= 1, got warmup={warmup}, runs={runs}')
    for _ in range(warmup):
        run()
        if on_run:
            on_run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1e3)
        if on_run:
            on_run()
    return Latency.from_samples(samples)
