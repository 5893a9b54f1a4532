"""Latency of repeated runs: warm-up, timed runs one by one, median and spread."""

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

#: Called after every run, warm-up included: (runs done, all runs, milliseconds of this run).
RunCallback = Callable[[int, int, float], None]


@dataclass(frozen=True)
class LatencyStats:
    """Summary of timed runs, in milliseconds.

    Attributes:
        median_ms: Median run.
        p10_ms: 10th percentile (linear interpolation): the fast end of the spread.
        p90_ms: 90th percentile: the slow end of the spread.
        min_ms: Fastest run.
        mean_ms: Mean of the runs.
        warmup: Untimed runs before the timed ones.
        runs: Timed runs.
        samples_ms: Every timed run, in order.
    """

    median_ms: float
    p10_ms: float
    p90_ms: float
    min_ms: float
    mean_ms: float
    warmup: int
    runs: int
    samples_ms: tuple[float, ...]

    @classmethod
    def from_samples(cls, samples_ms: list[float], warmup: int = 0) -> 'LatencyStats':
        """Summarise per-run latencies.

        Raises:
            ValueError: If ``samples_ms`` is empty.
        """
        if not samples_ms:
            raise ValueError('no timed runs: use --runs >= 1')
        ordered = sorted(samples_ms)
        return cls(median_ms=statistics.median(ordered), p10_ms=percentile(ordered, 10),
                   p90_ms=percentile(ordered, 90), min_ms=ordered[0], mean_ms=statistics.fmean(ordered),
                   warmup=warmup, runs=len(ordered), samples_ms=tuple(samples_ms))

    @property
    def spread_percent(self) -> float:
        """Width of the 10-90 % band relative to the median, in percent."""
        return 100 * (self.p90_ms - self.p10_ms) / self.median_ms if self.median_ms else 0.0

    def to_dict(self) -> dict:
        """The summary as plain data (for JSON)."""
        return {**asdict(self), 'samples_ms': list(self.samples_ms)}


def percentile(ordered: list[float], percent: float) -> float:
    """Linear-interpolated ``percent`` percentile of the sorted, non-empty list ``ordered``."""
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_runs(run: Callable[[], object], warmup: int, runs: int, on_run: RunCallback | None = None) -> LatencyStats:
    """Call ``run`` ``warmup`` times untimed, then ``runs`` times timed one by one.

    Args:
        run: One inference.
        warmup: Untimed calls first (memory allocation, lazy initialisation, caches, CPU clocks ramping up).
        runs: Timed calls.
        on_run: Called after every call (a progress display), e.g. :func:`print_progress`.

    Raises:
        ValueError: If ``warmup`` is negative or ``runs`` is below 1.
    """
    if warmup < 0 or runs < 1:
        raise ValueError(f'need warmup >= 0 and runs >= 1, got warmup={warmup}, runs={runs}')
    total = warmup + runs
    samples = []
    for index in range(total):
        start = time.perf_counter()
        run()
        elapsed_ms = (time.perf_counter() - start) * 1e3
        if index >= warmup:
            samples.append(elapsed_ms)
        if on_run is not None:
            on_run(index + 1, total, elapsed_ms)
    return LatencyStats.from_samples(samples, warmup)


def print_progress(warmup: int) -> RunCallback:
    """A :data:`RunCallback` printing about ten progress lines to stderr (for slow devices and emulation)."""

    def report(done: int, total: int, elapsed_ms: float) -> None:
        if done % max(1, total // 10) == 0 or done == total:
            kind = 'warm-up' if done <= warmup else 'timed'
            print(f'  run {done}/{total} ({kind}) {elapsed_ms:.1f} ms', file=sys.stderr, flush=True)

    return report
