"""Compare the detections of two benchmark runs (e.g. x86 and aarch64) of the same model on the same image.

Example:
    python -m shufflenet_det.deploy.compare x86.json aarch64.json --box-tol 0.05 --score-tol 1e-4

Two runs agree when they found the same number of detections and every detection of the first has its own
partner in the second with the same label, a score within ``--score-tol`` and every box coordinate within
``--box-tol`` pixels (detections with near-equal scores may come in either order). Exit status 0 on PASS, 1 on
FAIL, 2 on unusable input.
"""

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .bench import RESULT_FORMAT

DEFAULT_BOX_TOL = 0.05
DEFAULT_SCORE_TOL = 1e-4


@dataclass
class Comparison:
    """Outcome of comparing two runs' detections.

    Attributes:
        count_a: Detections of the first run.
        count_b: Detections of the second run.
        matched: Detections of the first run with a partner in the second.
        max_box_error: Largest box coordinate difference among matched pairs (pixels).
        max_score_error: Largest score difference among matched pairs.
        problems: What disagrees, one line each.
    """

    count_a: int
    count_b: int
    matched: int = 0
    max_box_error: float = 0.0
    max_score_error: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether the runs agree."""
        return not self.problems


def _box_error(a: dict, b: dict) -> float:
    return max(abs(x - y) for x, y in zip(a['box'], b['box'], strict=True))


def compare_detections(first: list[dict], second: list[dict], box_tol: float = DEFAULT_BOX_TOL,
                       score_tol: float = DEFAULT_SCORE_TOL) -> Comparison:
    """Match every detection of ``first`` to its own detection of ``second`` (greedily, in score order).

    Args:
        first: Detections as the benchmark's JSON lists them (``label``, ``score``, ``box``).
        second: The other run's detections.
        box_tol: Largest allowed difference of any box coordinate, in pixels.
        score_tol: Largest allowed score difference.
    """
    comparison = Comparison(count_a=len(first), count_b=len(second))
    if len(first) != len(second):
        comparison.problems.append(f'detection counts differ: {len(first)} vs {len(second)}')
    unused = list(range(len(second)))
    for index, detection in enumerate(first):
        candidates = [j for j in unused if second[j]['label'] == detection['label']
                      and abs(second[j]['score'] - detection['score']) <= score_tol
                      and _box_error(detection, second[j]) <= box_tol]
        if not candidates:
            comparison.problems.append(
                f'detection {index} ({detection.get("class", detection["label"])}, score {detection["score"]:.5f}, '
                f'box {[round(v, 2) for v in detection["box"]]}) has no partner within the tolerances')
            continue
        partner = min(candidates, key=lambda j: _box_error(detection, second[j]))
        unused.remove(partner)
        comparison.matched += 1
        comparison.max_box_error = max(comparison.max_box_error, _box_error(detection, second[partner]))
        comparison.max_score_error = max(comparison.max_score_error,
                                         abs(second[partner]['score'] - detection['score']))
    return comparison


def compare_results(first: dict, second: dict, box_tol: float = DEFAULT_BOX_TOL,
                    score_tol: float = DEFAULT_SCORE_TOL) -> Comparison:
    """Compare two benchmark results: the same model input size and the same detections."""
    comparison = compare_detections(first['detections'], second['detections'], box_tol, score_tol)
    if first['input']['input_size'] != second['input']['input_size']:
        comparison.problems.insert(0, f'model input sizes differ: {first["input"]["input_size"]} vs '
                                      f'{second["input"]["input_size"]} (not the same image?)')
    return comparison


def load_result(path: str | Path) -> dict:
    """Read a benchmark ``--json`` result.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a benchmark result.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'{path} not found (write it with python -m shufflenet_det.deploy.bench ... --json)')
    result = json.loads(path.read_text(encoding='utf-8'))
    if result.get('format') != RESULT_FORMAT:
        raise ValueError(f'{path} is not a benchmark result (format {result.get("format")!r}, expected '
                         f'{RESULT_FORMAT!r})')
    return result


def timing_line(result: dict) -> str:
    """The run's median latency labelled with its machine; emulated runs say that their timing is not real."""
    machine, timing = result['machine'], result['timing']
    figure = f'median {timing["median_ms"]:.2f} ms over {timing["runs"]} run(s)'
    if machine.get('emulated'):
        return (f'{figure} -- EMULATED ({machine["emulated"]}): not an {machine["architecture"]} timing, shows only '
                'that the run finished')
    return f'{figure} on {machine["cpu"]} ({machine["architecture"]}), {machine["intra_op_threads"]} thread(s)'


def report(first: dict, second: dict, comparison: Comparison, box_tol: float, score_tol: float) -> str:
    """The printed verdict: both runs' machines and timings, the agreement, and PASS or FAIL."""
    lines = []
    for name, result in (('A', first), ('B', second)):
        machine = result['machine']
        lines.append(f'{name}: {machine["architecture"]}, onnxruntime {machine["onnxruntime"]}, numpy '
                     f'{machine["numpy"]}: {len(result["detections"])} detections; {timing_line(result)}')
    lines.append(f'matched {comparison.matched}/{comparison.count_a}; max box difference '
                 f'{comparison.max_box_error:.2e} px (tolerance {box_tol}), max score difference '
                 f'{comparison.max_score_error:.2e} (tolerance {score_tol})')
    lines.extend(f'  {problem}' for problem in comparison.problems)
    verdict = 'PASS: same detections' if comparison.passed else 'FAIL: the detections differ'
    lines.append(verdict)
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns 0 on PASS, 1 on FAIL, 2 on unusable input."""
    parser = argparse.ArgumentParser(prog='python -m shufflenet_det.deploy.compare',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('first', help='benchmark --json result (e.g. the x86 run)')
    parser.add_argument('second', help='benchmark --json result to compare with (e.g. the aarch64 run)')
    parser.add_argument('--box-tol', type=float, default=DEFAULT_BOX_TOL,
                        help=f'pixels any box coordinate may differ (default {DEFAULT_BOX_TOL})')
    parser.add_argument('--score-tol', type=float, default=DEFAULT_SCORE_TOL,
                        help=f'how much a score may differ (default {DEFAULT_SCORE_TOL})')
    args = parser.parse_args(argv)
    try:
        first, second = load_result(args.first), load_result(args.second)
    except (FileNotFoundError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    comparison = compare_results(first, second, args.box_tol, args.score_tol)
    print(report(first, second, comparison, args.box_tol, args.score_tol))
    return 0 if comparison.passed else 1


if __name__ == '__main__':
    sys.exit(main())
