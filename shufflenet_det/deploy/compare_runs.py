"""Compare the detections of two benchmark runs (e.g. x86 and aarch64) of the same model on the same image.

Example:
    python -m shufflenet_det.deploy.compare_runs x86.json aarch64.json --box-tol 0.05 --score-tol 1e-4

Two runs agree when they found the same number of detections and every detection of the first has its own
partner in the second with the same label, a score within ``--score-tol`` and every box coordinate within
``--box-tol`` pixels (detections with near-equal scores may come in either order). Exit status 0 on PASS, 1 on
FAIL, 2 on unusable input.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .bench import RESULT_FORMAT
from .detections import DetectionMatch, Detections, MatchTolerance, match_detections

DEFAULT_BOX_TOL = 0.05
DEFAULT_SCORE_TOL = 1e-4


@dataclass(frozen=True)
class Comparison:
    """Outcome of comparing two runs' detections.

    Attributes:
        match: How the first run's detections were matched in the second.
        problems: What disagrees, one line each.
    """

    match: DetectionMatch
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether the runs agree."""
        return not self.problems


def compare_detections(first: list[dict], second: list[dict], box_tol: float = DEFAULT_BOX_TOL,
                       score_tol: float = DEFAULT_SCORE_TOL) -> Comparison:
    """Match every detection of ``first`` to its own detection of ``second``.

    Args:
        first: Detections as the benchmark's JSON lists them (``label``, ``score``, ``box``), highest score first.
        second: The other run's detections.
        box_tol: Largest allowed difference of any box coordinate, in pixels.
        score_tol: Largest allowed score difference.
    """
    match = match_detections(Detections.from_list(first), Detections.from_list(second),
                             MatchTolerance(score=score_tol, box=box_tol))
    problems = [f'detection counts differ: {len(first)} vs {len(second)}'] if len(first) != len(second) else []
    for index in match.unmatched:
        detection = first[index]
        problems.append(f'detection {index} ({detection.get("class", detection["label"])}, score '
                        f'{detection["score"]:.5f}, box {[round(v, 2) for v in detection["box"]]}) has no partner '
                        'within the tolerances')
    return Comparison(match=match, problems=tuple(problems))


def compare_results(first: dict, second: dict, box_tol: float = DEFAULT_BOX_TOL,
                    score_tol: float = DEFAULT_SCORE_TOL) -> Comparison:
    """Compare two benchmark results: the same model input size and the same detections."""
    comparison = compare_detections(first['detections'], second['detections'], box_tol, score_tol)
    if first['input']['input_size'] == second['input']['input_size']:
        return comparison
    size_problem = (f'model input sizes differ: {first["input"]["input_size"]} vs {second["input"]["input_size"]} '
                    '(not the same image?)')
    return Comparison(match=comparison.match, problems=(size_problem, ) + comparison.problems)


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
    return f'{figure} on {machine["cpu"]} ({machine["architecture"]}), {machine["threads"]} thread(s)'


def report(first: dict, second: dict, comparison: Comparison, box_tol: float, score_tol: float) -> str:
    """The printed verdict: both runs' machines and timings, the agreement, and PASS or FAIL."""
    lines = []
    for name, result in (('A', first), ('B', second)):
        machine = result['machine']
        versions = machine['versions']
        lines.append(f'{name}: {machine["architecture"]}, onnxruntime {versions["onnxruntime"]}, numpy '
                     f'{versions["numpy"]}: {len(result["detections"])} detections; {timing_line(result)}')
    match = comparison.match
    lines.append(f'matched {match.matched}/{match.considered}; max box difference {match.max_box_error:.2e} px '
                 f'(tolerance {box_tol}), max score difference {match.max_score_error:.2e} (tolerance {score_tol})')
    lines.extend(f'  {problem}' for problem in comparison.problems)
    verdict = 'PASS: same detections' if comparison.passed else 'FAIL: the detections differ'
    lines.append(verdict)
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns 0 on PASS, 1 on FAIL, 2 on unusable input."""
    parser = argparse.ArgumentParser(prog='python -m shufflenet_det.deploy.compare_runs',
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
