"""The paper's speed ratios, measured again: which hold on this machine and which do not."""

from dataclasses import dataclass

from ..core import paper_numbers
from .rows import ModelKind, Row

#: A measured ratio "holds" when it is within this fraction of the paper's measured ratio.
DEFAULT_TOLERANCE = 0.25


@dataclass(frozen=True)
class RatioClaim:
    """A speed ratio between two models: how many times faster ``fast`` runs than ``slow``.

    Attributes:
        name: Short description, ``ShuffleNet 0.5x vs AlexNet``.
        fast: Display name of the model claimed faster.
        slow: Display name of the model it is compared with.
    """

    name: str
    fast: str
    slow: str

    def paper_measured(self, input_label: str) -> float | None:
        """The paper's Table 8 latency ratio at ``input_label`` (``HxW``), if it lists both models there."""
        size = tuple(int(side) for side in input_label.split('x'))
        fast = paper_numbers.TABLE8_LATENCY_MS.get(self.fast, {}).get(size)
        slow = paper_numbers.TABLE8_LATENCY_MS.get(self.slow, {}).get(size)
        return slow / fast if fast and slow else None

    def paper_theoretical(self) -> float | None:
        """The paper's mult-adds ratio (Table 8), if it lists both models."""
        fast, slow = paper_numbers.TABLE8_MFLOPS.get(self.fast), paper_numbers.TABLE8_MFLOPS.get(self.slow)
        return slow / fast if fast and slow else None


CLAIMS = (
    RatioClaim('ShuffleNet 0.5x vs AlexNet', 'ShuffleNet 0.5x (g=3)', 'AlexNet'),
    RatioClaim('ShuffleNet 1x vs MobileNet 1.0', 'ShuffleNet 1x (g=3)', 'MobileNet v1 1.0'),
    RatioClaim('ShuffleNet 2x vs MobileNet 1.0', 'ShuffleNet 2x (g=3)', 'MobileNet v1 1.0'),
    RatioClaim('Faster R-CNN ShuffleNet 2x vs MobileNet 1.0', 'Faster R-CNN ShuffleNet 2x (g=3)',
               'Faster R-CNN MobileNet v1 1.0'),
    RatioClaim('Faster R-CNN ShuffleNet 1x vs MobileNet 1.0', 'Faster R-CNN ShuffleNet 1x (g=3)',
               'Faster R-CNN MobileNet v1 1.0'),
)


@dataclass(frozen=True)
class RatioResult:
    """One claim at one input in one runtime, beside the paper.

    Attributes:
        claim: The compared pair.
        input_label: ``HxW`` (classifiers) or ``scale 600`` (detectors).
        runtime: Runtime of our measurement.
        paper_measured: The paper's latency ratio (Snapdragon 820), None where the paper has none.
        paper_theoretical: The paper's mult-adds ratio, None where the paper has none.
        measured: Our latency ratio.
        theoretical: Our mult-adds ratio.
        verdict: ``holds``, ``does not hold`` or ``no paper figure``.
        arm_measured: Our ratio of aarch64 instructions per inference (emulated), None where not counted.
        arm_verdict: The verdict of ``arm_measured``, None where not counted.
    """

    claim: RatioClaim
    input_label: str
    runtime: str
    paper_measured: float | None
    paper_theoretical: float | None
    measured: float
    theoretical: float
    verdict: str
    arm_measured: float | None = None
    arm_verdict: str | None = None


def verdict(measured: float, paper: float | None, tolerance: float) -> str:
    """``holds`` when ``measured`` is within ``tolerance`` (a fraction) of ``paper``."""
    if paper is None:
        return 'no paper figure'
    return 'holds' if abs(measured / paper - 1) <= tolerance else 'does not hold'


def row_place(row: Row) -> str:
    """Where a row was measured, as ratio tables name it: ``HxW`` or ``scale S``."""
    return f'scale {row.scale}' if row.scale is not None else row.input


def compare_ratios(rows: list[Row], tolerance: float = DEFAULT_TOLERANCE) -> list[RatioResult]:
    """Every claim at every input and runtime where both of its models were measured."""
    measured = {(row.model, row_place(row), row.runtime): row for row in rows if row.median_ms}
    results = []
    for claim in CLAIMS:
        for (model, place, runtime), fast in measured.items():
            slow = measured.get((claim.slow, place, runtime))
            if model != claim.fast or slow is None:
                continue
            ratio = slow.median_ms / fast.median_ms
            paper = claim.paper_measured(place) if fast.kind == ModelKind.CLASSIFIER else None
            arm = (slow.arm_instructions / fast.arm_instructions
                   if slow.arm_instructions and fast.arm_instructions else None)
            results.append(RatioResult(
                claim=claim, input_label=place, runtime=runtime, paper_measured=paper,
                paper_theoretical=claim.paper_theoretical(), measured=ratio,
                theoretical=slow.gflops / fast.gflops if fast.gflops else float('nan'),
                verdict=verdict(ratio, paper, tolerance), arm_measured=arm,
                arm_verdict=None if arm is None else verdict(arm, paper, tolerance)))
    return results
