"""Latency of repeated runs: warm-up, timed runs one by one, median / p90 / min."""

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LatencyStats:
    """Summary of timed runs, in milliseconds.

    Attributes:
        median_ms: Median run.
        p90_ms: 90th percentile (linear interpolation): the slow end of the spread.
        min_ms: Fastest run.
        mean_ms: Mean of the runs.
        warmup: Untimed runs before the timed ones.
        runs: Timed runs.
        samples_ms: Every timed run, in order.
    """

    median_ms: float
    p90_ms: float
    min_ms: float
    mean_ms: float
    warmup: int
    runs: int
    samples_ms: tuple[float, ...]

    @classmethod
    def from_samples(cls, samples_ms: list[float], warmup: int) -> 'LatencyStats':
        """Summarise per-run latencies.

        Raises:
            ValueError: If ``samples_ms`` is empty.
        """
        if not samples_ms:
            raise ValueError('no timed runs: use --runs >= 1')
        ordered = sorted(samples_ms)
        return cls(median_ms=statistics.median(ordered), p90_ms=percentile(ordered, 90), min_ms=ordered[0],
                   mean_ms=statistics.fmean(ordered), warmup=warmup, runs=len(ordered),
                   samples_ms=tuple(samples_ms))

    def to_dict(self) -> dict:
        """The summary as plain data (for JSON)."""
        return {**asdict(self), 'samples_ms': list(self.samples_ms)}


def percentile(ordered: list[float], percent: float) -> float:
    """Linear-interpolated ``percent`` percentile of the sorted, non-empty list ``ordered``."""
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(run: Callable[[], object], warmup: int, runs: int, progress: bool = False) -> LatencyStats:
    """Call ``run`` ``warmup`` times untimed, then ``runs`` times timed one by one.

    Args:
        run: One inference.
        warmup: Untimed calls first (memory allocation, lazy initialisation, caches, CPU clocks ramping up).
        runs: Timed calls.
        progress: Print a progress line to stderr (useful on slow devices and under emulation).

    Raises:
        ValueError: If ``warmup`` is negative or ``runs`` is below 1.
    """
    if warmup < 0 or runs < 1:
        raise ValueError(f'need warmup >= 0 and runs >= 1, got warmup={warmup}, runs={runs}')
    total = warmup + runs
    report_every = max(1, total // 10)
    samples = []
    for index in range(total):
        start = time.perf_counter()
        run()
        elapsed_ms = (time.perf_counter() - start) * 1e3
        if index >= warmup:
            samples.append(elapsed_ms)
        if progress and ((index + 1) % report_every == 0 or index + 1 == total):
            kind = 'warm-up' if index < warmup else 'timed'
            print(f'  run {index + 1}/{total} ({kind}) {elapsed_ms:.1f} ms', file=sys.stderr, flush=True)
    return LatencyStats.from_samples(samples, warmup)
