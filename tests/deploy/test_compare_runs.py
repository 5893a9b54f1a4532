"""Comparing two benchmark results: tolerances, order of near-tied detections, verdict and exit status."""

import copy
import json

import pytest

from shufflenet_det.deploy import compare_runs

DETECTIONS = [{'label': 0, 'class': 'a', 'score': 0.9, 'box': [1.0, 2.0, 30.0, 40.0]},
              {'label': 1, 'class': 'b', 'score': 0.5, 'box': [5.0, 5.0, 10.0, 10.0]},
              {'label': 2, 'class': 'c', 'score': 0.5, 'box': [50.0, 5.0, 60.0, 10.0]}]


def test_equal_and_within_tolerance():
    nudged = copy.deepcopy(DETECTIONS)
    nudged[0]['box'][2] += 0.01
    nudged[1]['score'] += 5e-5
    comparison = compare_runs.compare_detections(DETECTIONS, nudged)
    assert comparison.passed and comparison.match.matched == 3
    assert comparison.match.max_box_error == pytest.approx(0.01, rel=1e-4)
    assert comparison.match.max_score_error == pytest.approx(5e-5, rel=1e-3)


def test_near_tied_detections_may_swap_order():
    swapped = [DETECTIONS[0], DETECTIONS[2], DETECTIONS[1]]
    assert compare_runs.compare_detections(DETECTIONS, swapped).passed


@pytest.mark.parametrize('change, problem', [
    (lambda d: d[0].update(label=3), 'detection 0'),
    (lambda d: d[1]['box'].__setitem__(0, 5.5), 'detection 1'),
    (lambda d: d[2].update(score=0.51), 'detection 2'),
    (lambda d: d.pop(), 'counts differ: 3 vs 2'),
])
def test_differences_fail(change, problem):
    other = copy.deepcopy(DETECTIONS)
    change(other)
    comparison = compare_runs.compare_detections(DETECTIONS, other)
    assert not comparison.passed and any(problem in line for line in comparison.problems)


def result(architecture, emulated=None, detections=DETECTIONS):
    return {'format': compare_runs.RESULT_FORMAT, 'input': {'input_size': [300, 400]}, 'detections': detections,
            'timing': {'median_ms': 12.0, 'runs': 2},
            'machine': {'architecture': architecture, 'cpu': 'cpu', 'threads': 1, 'emulated': emulated,
                        'versions': {'onnxruntime': '1.32.0', 'numpy': '2.4'}}}


def test_command_line_verdicts_and_emulation_label(tmp_path, capsys):
    (tmp_path / 'x86.json').write_text(json.dumps(result('x86_64')))
    (tmp_path / 'arm.json').write_text(json.dumps(result('aarch64', emulated='qemu-user')))
    assert compare_runs.main([str(tmp_path / 'x86.json'), str(tmp_path / 'arm.json')]) == 0
    printed = capsys.readouterr().out
    assert 'PASS' in printed and 'EMULATED (qemu-user): not an aarch64 timing' in printed
    (tmp_path / 'fewer.json').write_text(json.dumps(result('aarch64', detections=DETECTIONS[:1])))
    assert compare_runs.main([str(tmp_path / 'x86.json'), str(tmp_path / 'fewer.json')]) == 1
    assert 'FAIL' in capsys.readouterr().out


def test_other_json_is_refused(tmp_path, capsys):
    (tmp_path / 'other.json').write_text('{"format": "x"}')
    assert compare_runs.main([str(tmp_path / 'other.json'), str(tmp_path / 'other.json')]) == 2
    assert 'not a benchmark result' in capsys.readouterr().err
