"""Latency summaries: median, percentiles, and the call counts of warm-up and timed runs."""

import pytest

from shufflenet_det.benchmark.timing import Latency, time_callable


def test_summary_of_known_samples():
    latency = Latency.from_samples([5.0, 1.0, 3.0, 2.0, 4.0])
    assert latency.median_ms == 3.0
    assert latency.min_ms == 1.0
    assert latency.p10_ms == pytest.approx(1.4)
    assert latency.p90_ms == pytest.approx(4.6)
    assert latency.runs == 5
    assert latency.spread_percent == pytest.approx(100 * 3.2 / 3)


def test_one_sample_is_its_own_spread():
    latency = Latency.from_samples([7.0])
    assert latency.p10_ms == latency.median_ms == latency.p90_ms == 7.0


def test_time_callable_runs_warmup_plus_runs_and_reports_each():
    calls, ticks = [], []
    latency = time_callable(lambda: calls.append(1), warmup=2, runs=3, on_run=lambda: ticks.append(1))
    assert len(calls) == 5 and len(ticks) == 5
    assert latency.runs == 3 and latency.median_ms >= 0


@pytest.mark.parametrize('warmup, runs', [(-1, 3), (0, 0)])
def test_bad_run_counts_are_refused(warmup, runs):
    with pytest.raises(ValueError, match='runs >= 1'):
        time_callable(lambda: None, warmup, runs)


def test_no_samples_is_a_clear_error():
    with pytest.raises(ValueError, match='--runs'):
        Latency.from_samples([])
