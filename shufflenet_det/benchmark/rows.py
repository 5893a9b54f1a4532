"""What a sweep measures: the model kinds, the runtimes, and one result row (light: no torch import)."""

from dataclasses import asdict, dataclass, fields
from enum import Enum


class ModelKind(str, Enum):
    """Kind of a swept model: it decides the inputs (sizes or scales), the report table and the breakdown parts."""

    CLASSIFIER = 'classifier'
    DETECTOR = 'detector'

    def __str__(self) -> str:
        return self.value


class Runtime(str, Enum):
    """Where a model runs: PyTorch eager, or its ONNX export in ONNX Runtime, MNN or ncnn."""

    TORCH = 'torch'
    ONNX = 'onnx'
    MNN = 'mnn'
    NCNN = 'ncnn'

    def __str__(self) -> str:
        return self.value

    @property
    def display_name(self) -> str:
        """The name tables and plots show."""
        return {Runtime.TORCH: 'PyTorch eager', Runtime.ONNX: 'ONNX Runtime', Runtime.MNN: 'MNN',
                Runtime.NCNN: 'ncnn'}[self]

    @property
    def backend(self) -> str | None:
        """The name :mod:`shufflenet_det.deploy.backends` knows this runtime by (None for PyTorch)."""
        return {Runtime.ONNX: 'onnxruntime', Runtime.MNN: 'mnn', Runtime.NCNN: 'ncnn'}.get(self)


@dataclass
class Row:
    """One measured (or failed) model x input x runtime combination.

    Attributes:
        model: Display name of the model.
        key: Command-line name of the model.
        kind: Classifier or detector.
        input: ``HxW`` given to the model (detectors: the resized image before padding).
        scale: Detector input scale, None for classifiers.
        runtime: The runtime measured.
        threads: Threads the runtime had.
        median_ms: Median latency; None if the row could not be measured.
        p10_ms: 10th percentile latency.
        p90_ms: 90th percentile latency.
        min_ms: Fastest run.
        runs: Timed runs.
        gflops: Mult-adds of one inference in billions (detectors: at the RoI count PyTorch ran).
        mparams: Parameters in millions.
        rois: RoIs the box head ran on in this runtime (detectors).
        detections: Detections this runtime returned (detectors).
        note: Remarks: proposal shortfalls, peer settings, or why the row failed.
        arm_instructions: aarch64 instructions of one inference of the exported model in this runtime, counted
            under emulation (``--arm-count``; not a time); None when not counted.
    """

    model: str
    key: str
    kind: ModelKind
    input: str
    scale: int | None
    runtime: Runtime
    threads: int
    median_ms: float | None
    p10_ms: float | None
    p90_ms: float | None
    min_ms: float | None
    runs: int
    gflops: float
    mparams: float
    rois: int | None
    detections: int | None
    note: str
    arm_instructions: int | None = None

    @classmethod
    def field_names(cls) -> list[str]:
        """Column names, in order (the CSV header)."""
        return [field.name for field in fields(cls)]

    def as_dict(self) -> dict:
        """The row as a plain dict."""
        return asdict(self)
