"""Latency summaries: median, percentiles, and the call counts of warm-up and timed runs."""

import pytest

from shufflenet_det.deploy.timing import LatencyStats, print_progress, time_runs


def test_summary_of_known_samples():
    latency = LatencyStats.from_samples([5.0, 1.0, 3.0, 2.0, 4.0], warmup=2)
    assert latency.median_ms == 3.0 and latency.min_ms == 1.0 and latency.mean_ms == 3.0
    assert latency.p10_ms == pytest.approx(1.4)
    assert latency.p90_ms == pytest.approx(4.6)
    assert latency.runs == 5 and latency.warmup == 2 and latency.samples_ms == (5.0, 1.0, 3.0, 2.0, 4.0)
    assert latency.spread_percent == pytest.approx(100 * 3.2 / 3)
    assert latency.to_dict()['samples_ms'] == [5.0, 1.0, 3.0, 2.0, 4.0]


def test_one_sample_is_its_own_spread():
    latency = LatencyStats.from_samples([7.0])
    assert latency.p10_ms == latency.median_ms == latency.p90_ms == 7.0


def test_measure_runs_warmup_plus_runs_and_reports_each():
    calls, ticks = [], []
    latency = time_runs(lambda: calls.append(1), warmup=2, runs=3, on_run=lambda done, total, ms: ticks.append(done))
    assert len(calls) == 5 and ticks == [1, 2, 3, 4, 5]
    assert latency.runs == 3 and latency.warmup == 2 and latency.median_ms >= 0


def test_printed_progress_names_warmup_and_timed_runs(capsys):
    time_runs(lambda: None, warmup=1, runs=2, on_run=print_progress(1))
    printed = capsys.readouterr().err
    assert 'run 1/3 (warm-up)' in printed and 'run 3/3 (timed)' in printed


@pytest.mark.parametrize('warmup, runs', [(-1, 3), (0, 0)])
def test_bad_run_counts_are_refused(warmup, runs):
    with pytest.raises(ValueError, match='runs >= 1'):
        time_runs(lambda: None, warmup, runs)


def test_no_samples_is_a_clear_error():
    with pytest.raises(ValueError, match='--runs'):
        LatencyStats.from_samples([])
