"""The rows of the built-in dataset's result files: one trained demo detector, one grid cell (light: no torch)."""

from dataclasses import asdict, dataclass, fields

from ..core.errors import ResultFileError
from .convergence import last_quarter_gain


def row_from_dict(cls: type, data: dict, source: str) -> object:
    """Build the dataclass ``cls`` from ``data``, which must hold exactly its fields.

    Raises:
        ResultFileError: If ``data`` lacks a field or holds an unknown one (a misspelt or outdated column).
    """
    names = [field.name for field in fields(cls)]
    missing, unknown = [name for name in names if name not in data], [key for key in data if key not in names]
    if missing or unknown:
        raise ResultFileError(f'a row of {source} does not fit {cls.__name__}: missing {missing or "nothing"}, '
                              f'unknown {unknown or "nothing"} (write null for a value the source does not state)')
    return cls(**data)


@dataclass
class DemoRow:
    """One demo detector trained and evaluated on the shapes val split (metrics: COCO, in percent).

    Attributes:
        config: The detector config.
        bbox_mAP: mAP@[.5:.95] at the end of the schedule.
        bbox_mAP_50: AP at IoU 0.5.
        bbox_mAP_75: AP at IoU 0.75.
        bbox_mAP_s: AP of small objects.
        bbox_mAP_m: AP of medium objects.
        bbox_mAP_l: AP of large objects.
        bbox_mAP_by_epoch: mAP of every validation, by epoch (``{"9": ..., "12": ...}``).
        gflops: Mult-adds (billions) at the config's test scale with its test-time proposal count.
        mparams: Parameters in millions.
        train_minutes: Wall time of the training epochs (validation excluded).
    """

    config: str
    bbox_mAP: float | None
    bbox_mAP_50: float | None
    bbox_mAP_75: float | None
    bbox_mAP_s: float | None
    bbox_mAP_m: float | None
    bbox_mAP_l: float | None
    bbox_mAP_by_epoch: dict[str, float]
    gflops: float | None
    mparams: float | None
    train_minutes: float | None

    @property
    def map_at_75(self) -> float | None:
        """The mAP of the validation before the last (75 % of the schedule), or None if there was only one."""
        epochs = sorted(self.bbox_mAP_by_epoch, key=int)
        return self.bbox_mAP_by_epoch[epochs[-2]] if len(epochs) > 1 else None

    @property
    def last_quarter_gain(self) -> float | None:
        """The final mAP's rise over :attr:`map_at_75`, in % of it."""
        return last_quarter_gain(self.map_at_75, self.bbox_mAP)

    def as_dict(self) -> dict:
        """The row as a plain dict (a result file's row)."""
        return asdict(self)


@dataclass
class GridRow:
    """One grid cell: a detector config at one input scale (metrics: COCO on the shapes val split, in percent).

    Attributes:
        detector: Config name.
        backbone: Short backbone label, e.g. ``ShuffleNetV1 0.5x g3``.
        head: ``C4`` or ``light head``.
        scale: Shorter input side.
        map_torch: mAP@[.5:.95] of the PyTorch model (the last validation).
        map_onnx: mAP@[.5:.95] of its ONNX export (ONNX Runtime, one image at a time).
        map_50: PyTorch AP at IoU 0.5.
        map_s: PyTorch AP of small objects.
        map_m: PyTorch AP of medium objects.
        map_l: PyTorch AP of large objects.
        map_torch_at_75: PyTorch mAP at 75 % of the schedule.
        gflops: Mult-adds (billions) of a scale x scale input with the test-time proposals.
        mparams: Parameters in millions.
        ort_ms: Median ONNX Runtime ``session.run`` at 1 thread; None until the cells are timed.
        train_min: Wall time of the training epochs in minutes.
        cell_min: Wall time of the whole cell (training, evaluation, export, ONNX evaluation) in minutes.
    """

    detector: str
    backbone: str
    head: str
    scale: int
    map_torch: float | None
    map_onnx: float | None
    map_50: float | None
    map_s: float | None
    map_m: float | None
    map_l: float | None
    map_torch_at_75: float | None
    gflops: float | None
    mparams: float | None
    ort_ms: float | None
    train_min: float | None
    cell_min: float | None

    @classmethod
    def field_names(cls) -> list[str]:
        """Column names, in order (the CSV header)."""
        return [field.name for field in fields(cls)]

    @property
    def last_quarter_gain(self) -> float | None:
        """The final PyTorch mAP's rise over :attr:`map_torch_at_75`, in % of it."""
        return last_quarter_gain(self.map_torch_at_75, self.map_torch)

    def as_dict(self) -> dict:
        """The row as a plain dict (a result file's row, a CSV line)."""
        return asdict(self)
