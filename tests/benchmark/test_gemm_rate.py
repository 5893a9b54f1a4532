"""The GEMM rate the sweep measures, and each detector's share of it in the report."""

import pytest

from shufflenet_det.benchmark.gemm_rate import GemmRate, measure_gemm_rate
from shufflenet_det.benchmark.report import sweep_markdown
from shufflenet_det.benchmark.rows import Row
from shufflenet_det.deploy.machine import Machine

MACHINE = Machine(cpu='Some CPU', architecture='x86_64', board=None, logical_cpus=2, usable_cpus=2, governor=None,
                  system='Linux', python='3.11', threads=1)


def test_a_small_matmul_is_timed_and_rated():
    rate = measure_gemm_rate(threads=1, side=64, warmup=1, runs=3)
    assert rate.side == 64 and rate.median_ms > 0
    assert rate.gmacs_per_s == pytest.approx(64 ** 3 / (rate.median_ms * 1e-3) / 1e9)
    assert rate.best_gmacs_per_s >= rate.gmacs_per_s


def test_share_is_mult_adds_per_second_over_the_rate():
    rate = GemmRate(side=2048, threads=1, median_ms=200.0, gmacs_per_s=40.0, best_gmacs_per_s=42.0)
    assert rate.share(0.67e9, 33.5) == pytest.approx(0.5)  # 20 GMAC/s of 40


def test_report_prints_the_rate_and_each_detectors_share():
    detector = Row(model='Light head', key='lh', kind='detector', input='300x400', scale=300, runtime='onnx',
                   threads=1, median_ms=33.5, p10_ms=33.0, p90_ms=34.0, min_ms=32.0, runs=5, gflops=0.67,
                   mparams=2.3, rois=200, detections=100, note='')
    text = sweep_markdown([detector], ['onnx'], MACHINE, warmup=1, runs=5,
                          gemm=GemmRate(side=2048, threads=1, median_ms=200.0, gmacs_per_s=40.0, best_gmacs_per_s=42.0))
    assert 'fp32 GEMM rate: 40.0 GMAC/s' in text
    assert 'ONNX Runtime share of GEMM rate' in text and '| 50 %' in text
