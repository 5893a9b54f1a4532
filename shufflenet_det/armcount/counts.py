"""Per-inference instruction counts from marked counts, their repeatability, and the JSON record.

A counted process runs a warm-up inference, then :data:`LONG_RUNS` inferences, and marks the count after the
warm-up and after each inference. The count at mark ``k`` is the count of a process that stops after ``k``
inferences (the exit is the same for all), so one inference is (mark 3 - mark 1) / 2: start-up, model loading,
warm-up and the first inference's leftovers cancel out.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: The two marks whose difference is counted: after the first and after the third inference.
SHORT_RUNS, LONG_RUNS = 1, 3
#: Two counts of the same model agree when they differ by at most this fraction.
REPEAT_TOLERANCE = 1e-5
#: Format tag of the ``--json`` output.
RESULT_FORMAT = 'shufflenet-det-arm-count/1'


def per_inference(short_count: int, long_count: int, short_runs: int = SHORT_RUNS, long_runs: int = LONG_RUNS) -> int:
    """Instructions of one inference: (count after ``long_runs`` - count after ``short_runs``) / the difference.

    Raises:
        ValueError: If the long count is not larger than the short one.
    """
    if long_runs <= short_runs:
        raise ValueError(f'the long process must run more inferences than the short one ({long_runs} <= {short_runs})')
    difference = long_count - short_count
    if difference <= 0:
        raise ValueError(f'the process with {long_runs} inferences executed {long_count} instructions, not more than '
                         f'the one with {short_runs} ({short_count}): the counts are not of the same program')
    return round(difference / (long_runs - short_runs))


def relative_spread(values: list[int]) -> float:
    """(largest - smallest) / smallest of repeated counts (0.0 for a single count)."""
    return (max(values) - min(values)) / min(values) if len(values) > 1 else 0.0


def repeatable(values: list[int], tolerance: float = REPEAT_TOLERANCE) -> bool:
    """Whether repeated per-inference counts of one model agree within ``tolerance`` (relative)."""
    return relative_spread(values) <= tolerance


def count_label(cpu: str) -> str:
    """How every count is labelled: emulated aarch64 instructions of a CPU model, never a time."""
    return f'aarch64 instructions (emulated, {cpu})'


@dataclass
class ModelCount:
    """The count of one model in one runtime, with everything needed to reproduce and judge it.

    Attributes:
        instructions_per_inference: The first repeat's per-inference count.
        cpu: The emulated CPU model (``cortex-a72``).
        runtime: ``onnxruntime``, ``mnn`` or ``ncnn``.
        runtime_version: Version of the runtime's aarch64 wheel.
        input_shape: Shape of the input tensor fed to the model.
        input_source: Where the input came from (a file, or the noise it was made of).
        threads: Intra-op threads of the runtime.
        warmup: Uncounted inferences before the counted ones, in every process.
        per_inference_repeats: Per-inference count of each repeat.
        process_counts: Each counted process: its whole count and its marks (after the warm-up, then after
            each inference).
        repeatable: Whether the repeats agree within ``repeat_tolerance``.
        repeat_tolerance: Relative tolerance of the repeatability check.
        label: What the number is (never a time).
        model_file: The file the runtime loaded (a converted model for MNN and ncnn).
        provenance: Machine, command, commit, date and emulator of the measurement.
    """

    instructions_per_inference: int
    cpu: str
    runtime: str
    runtime_version: str
    input_shape: list[int]
    input_source: str
    threads: int
    warmup: int
    per_inference_repeats: list[int]
    process_counts: list[dict]
    repeatable: bool
    repeat_tolerance: float = REPEAT_TOLERANCE
    label: str = ''
    model_file: str = ''
    provenance: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.label = self.label or count_label(self.cpu)

    @classmethod
    def from_processes(cls, processes: list[dict], **fields: object) -> 'ModelCount':
        """A count from repeated processes, each ``{"total": N, "marks": [after warm-up, after run 1, ...]}``.

        Raises:
            ValueError: If a process has fewer than ``LONG_RUNS + 1`` marks.
        """
        for process in processes:
            if len(process['marks']) < LONG_RUNS + 1:
                raise ValueError(f'a counted process left {len(process["marks"])} marks, expected {LONG_RUNS + 1}: '
                                 'the guest program did not run to its end')
        repeats = [per_inference(process['marks'][SHORT_RUNS], process['marks'][LONG_RUNS]) for process in processes]
        return cls(instructions_per_inference=repeats[0], per_inference_repeats=repeats, process_counts=processes,
                   repeatable=repeatable(repeats), **fields)

    def to_dict(self) -> dict:
        """The count as plain JSON-ready data."""
        return asdict(self)


def write_counts(counts: dict[str, ModelCount], path: Path) -> None:
    """Write ``{model path: count}`` as JSON, merged into the file's existing entries (nothing is lost)."""
    path = Path(path)
    existing = read_counts(path) if path.is_file() else {}
    existing.update({model: count.to_dict() for model, count in counts.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + '.tmp')
    temporary.write_text(json.dumps(existing, indent=2) + '\n')
    temporary.replace(path)


def read_counts(path: Path) -> dict[str, dict]:
    """The ``{model path: count}`` entries of a JSON file written by :func:`write_counts`.

    Raises:
        ValueError: If the file is not such a JSON object.
    """
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f'{path} is not JSON ({error}); pass a file written by tools/arm_count.py') from None
    if not isinstance(data, dict) or not all(isinstance(entry, dict) and 'instructions_per_inference' in entry
                                             for entry in data.values()):
        raise ValueError(f'{path} does not map model paths to counts; pass a file written by tools/arm_count.py')
    return data
