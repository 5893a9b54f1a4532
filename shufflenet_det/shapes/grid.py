"""Table 7 in miniature: detectors x input scales on the built-in shapes dataset, accuracy beside exported latency.

Every cell trains one detector config at one input scale with the same schedule, evaluates it in PyTorch and as
an exported ONNX model (``shufflenet_det.deploy.coco_eval``), counts its mult-adds and parameters and times the
ONNX model with one ONNX Runtime thread. A finished cell's ``result.json`` is reused on a rerun, and an
interrupted training resumes from its last checkpoint, so an interrupted grid continues where it stopped.
Latency is measured last, for every cell in one pass with the models taking turns, so that all latencies of a
table come from one stretch of one run and their ratios hold (cells may be trained by several processes at once:
``--factors 1`` and ``--factors 2`` into the same folder, then the whole grid, which reuses them and times them).
"""

import csv
import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mmengine.config import Config

from ..complexity.mult_adds import detector_complexity
from ..core.config_edits import load_with_epochs, set_data_root, set_input_scale
from ..core.errors import ConfigError
from ..core.project_configs import config_scale
from ..datasets import generate_dataset
from ..deploy.coco_eval import evaluate_onnx
from ..deploy.detector import Detector
from ..deploy.images import read_image
from ..deploy.machine import describe_machine
from ..deploy.preprocess import InputScale
from ..deploy.timing import LatencyStats, time_runs
from ..engine.atomic_files import write_text
from ..export import export_detector
from ..results.convergence import CONVERGED_GAIN_PERCENT
from ..results.figures import plot_accuracy_vs_latency
from ..results.result_file import run_provenance, write_result_file
from ..results.shapes_rows import GridRow, row_from_dict
from ..results.tables import grid_table
from .training_run import print_now, train_detector

#: The grid's rows: the ~40 MFLOPs pair of the ShuffleNet paper's Table 5 and the ~140 MFLOPs pair, with the C4
#: head. Add a config here (or pass ``--configs``) to add a detector, e.g. the light-head twins of the first pair
#: (configs/demo/shapes_frcnn_lh_*.py).
DEFAULT_CONFIGS = ('configs/demo/shapes_frcnn_shufflenet.py', 'configs/demo/shapes_frcnn_mobilenet.py',
                   'configs/demo/shapes_frcnn_shufflenet_1x.py', 'configs/demo/shapes_frcnn_mobilenet_050.py')
#: The grid's schedule in epochs: three times the demo's (configs/_base_/schedules/shapes_short.py), long enough
#: for the detectors to gain little in the last quarter (each run's gain: docs/results.md).
GRID_EPOCHS = 36
RESULT_FILE = 'result.json'  # a cell's GridRow
GRID_RESULT_FILE = 'results.json'  # the whole grid as a result file, ready for results/grid/
CELL_CONFIG_FILE = 'cell_config.py'  # the config a cell was started with; a rerun must ask for the same one
MODEL_NAME = 'model'  # each cell's export: model.onnx and its sidecar
LATENCY_IMAGES = 10
LATENCY_WARMUP = 5  # untimed runs of each model before its first block
LATENCY_BLOCK = 5  # runs of one model in a row: the models take turns block by block
LATENCY_BLOCKS = 12  # timed blocks of each model (60 runs)


#: The ``--quick`` grid: the demo pair on a tiny dataset for a few iterations (checks the pipeline, not accuracy).
QUICK_CONFIGS = DEFAULT_CONFIGS[:2]
QUICK_DATA_ROOT = Path('data/shapes_quick')
QUICK_DATASET = {'num_train': 16, 'num_val': 6}
QUICK_EPOCHS = 4


@dataclass(frozen=True)
class Cell:
    """One detector config at one input scale (the config's own times ``factor``)."""

    config: str
    factor: int

    @property
    def name(self) -> str:
        """Folder name of the cell, e.g. ``shapes_frcnn_shufflenet_x2``."""
        return f'{Path(self.config).stem}_x{self.factor}'


def grid_cells(configs: Sequence[str], factors: Sequence[int]) -> list[Cell]:
    """Every config at every scale factor, configs outermost."""
    return [Cell(config, factor) for config in configs for factor in factors]


def backbone_name(cfg: Config) -> str:
    """A short backbone label, e.g. ``ShuffleNetV1 0.5x g3`` or ``MobileNetV1 0.25``."""
    backbone = cfg.model.backbone
    if backbone.type == 'ShuffleNetV1':
        return f'ShuffleNetV1 {backbone.get("widen_factor", 1.0):g}x g{backbone.get("groups", 3)}'
    if backbone.type == 'MobileNetV1':
        return f'MobileNetV1 {backbone.get("widen_factor", 1.0):g}'
    return backbone.type


def head_name(cfg: Config) -> str:
    """The detector layout: ``light head`` (:class:`LightHeadRCNN`) or ``C4``."""
    return 'light head' if cfg.model.type == 'LightHeadRCNN' else 'C4'


def cell_config(cell: Cell, data_root: Path, epochs: int | None) -> Config:
    """The config of ``cell``: the detector config with the dataset root, ``epochs`` and the scaled input size."""
    cfg = load_with_epochs(cell.config, epochs)
    set_data_root(cfg, data_root)
    base = config_scale(cfg)
    set_input_scale(cfg, InputScale(base.scale * cell.factor, base.max_size * cell.factor))
    return cfg


def interleaved_latency_ms(models: Sequence[Path], image_dir: Path, ann: dict) -> list[float]:
    """Median ``session.run`` time (1 thread) of each model on the first val images, the models taking turns.

    Each model runs :data:`LATENCY_BLOCK` times in a row (after :data:`LATENCY_WARMUP` untimed runs in its first
    turn), then the next one does, for :data:`LATENCY_BLOCKS` rounds. A slow or fast stretch of the machine then
    falls on every model alike, so the ratios between them hold, where models timed one after the other can
    swap ranks between passes (docs/results.md).
    """
    detectors = [Detector(model, threads=1) for model in models]
    runs = [cycling_runs(detector, [detector.prepare(read_image(image_dir / record['file_name'])).tensor
                                    for record in ann['images'][:LATENCY_IMAGES]])
            for detector in detectors]
    samples: list[list[float]] = [[] for _ in detectors]
    for block in range(LATENCY_BLOCKS):
        for run, model_samples in zip(runs, samples, strict=True):
            stats = time_runs(run, LATENCY_WARMUP if block == 0 else 0, LATENCY_BLOCK)
            model_samples.extend(stats.samples_ms)
    return [LatencyStats.from_samples(model_samples).median_ms for model_samples in samples]


def cycling_runs(detector: Detector, tensors: list) -> Callable[[], object]:
    """One inference per call, on the next of ``tensors`` each time (the first again after the last)."""
    turns = itertools.cycle(tensors)
    return lambda: detector.run_tensor(next(turns))


def claim_cell_folder(cell_dir: Path, cfg: Config) -> None:
    """Record ``cfg`` as the config of the cell in ``cell_dir``, or check that the cell was started with it.

    Raises:
        ConfigError: If the folder holds a cell started with another config (another ``--epochs``, an edited
            detector config) or one without a record of its config: its checkpoints and result would be passed
            off as this config's.
    """
    recorded = cell_dir / CELL_CONFIG_FILE
    fix = f'pass --out to start a new grid, or delete {cell_dir} to train this cell again'
    if recorded.is_file():
        if recorded.read_text() != cfg.pretty_text:
            raise ConfigError(f'{cell_dir} holds a cell started with another config or schedule than this run asks '
                              f'for (compare {recorded} with the config); {fix}')
        return
    if cell_dir.is_dir() and any(cell_dir.iterdir()):
        raise ConfigError(f'{cell_dir} holds a cell without a record of its config ({CELL_CONFIG_FILE}), so it '
                          f'cannot be told whether it matches this run; {fix}')
    cell_dir.mkdir(parents=True, exist_ok=True)
    write_text(recorded, cfg.pretty_text)


def read_cell_result(result_file: Path) -> GridRow:
    """A finished cell's row (a cell finished before rows had ``ort_ms`` reads as not yet timed)."""
    return row_from_dict(GridRow, {'ort_ms': None, **json.loads(result_file.read_text())}, str(result_file))


def run_cell(cell: Cell, out_dir: Path, data_root: Path, epochs: int | None,
             log: Callable[[str], None] = print_now) -> GridRow:
    """Train, evaluate, export and evaluate the export of ``cell``; reuse its result if it is finished.

    Returns:
        The cell's row, without ``ort_ms``, which :func:`time_cells` sets.

    Raises:
        ConfigError: If ``out_dir`` holds this cell started with another config (see :func:`claim_cell_folder`).
    """
    cell_dir = out_dir / cell.name
    cfg = cell_config(cell, data_root, epochs)
    claim_cell_folder(cell_dir, cfg)
    result_file = cell_dir / RESULT_FILE
    if result_file.is_file():
        log(f'    finished earlier, reusing {result_file}')
        return read_cell_result(result_file)
    start = time.perf_counter()
    input_scale = config_scale(cfg)
    shorter = input_scale.scale
    log(f'    training at {input_scale.max_size}x{shorter} (resumes from the last checkpoint in {cell_dir / "train"})')
    trained = train_detector(cfg, cell_dir / "train", resume=True, progress=log)
    final = trained.final
    complexity = detector_complexity(trained.runner.model, shorter, shorter, cfg.model.test_cfg.rpn.max_per_img)
    config_file = cell_dir / 'config.py'
    trained.runner.cfg.dump(str(config_file))
    log('    exporting to ONNX and evaluating the export (onnxruntime, 1 thread)')
    onnx_path = export_detector(config_file, str(trained.checkpoint), cell_dir, name=MODEL_NAME).path
    val_dir, ann_file = data_root / 'val', data_root / 'annotations' / 'instances_val.json'
    onnx_metrics, _ = evaluate_onnx(onnx_path, ann_file, val_dir)
    row = GridRow(detector=Path(cell.config).stem, backbone=backbone_name(cfg), head=head_name(cfg), scale=shorter,
                  map_torch=final['bbox_mAP'], map_onnx=onnx_metrics['bbox_mAP'], map_50=final['bbox_mAP_50'],
                  map_s=final['bbox_mAP_s'], map_m=final['bbox_mAP_m'], map_l=final['bbox_mAP_l'],
                  map_torch_at_75=trained.map_before_final,
                  gflops=round(complexity.mult_adds / 1e9, 4), mparams=round(complexity.params / 1e6, 3),
                  ort_ms=None, train_min=round(trained.train_seconds / 60, 2),
                  cell_min=round((time.perf_counter() - start) / 60, 2))
    write_text(result_file, json.dumps(row.as_dict(), indent=2) + '\n')
    log(f'    mAP {row.map_torch:.1f} (PyTorch) / {row.map_onnx:.1f} (ONNX), {row.gflops:.3f} GFLOPs, '
        f'{row.train_min:.1f} min training')
    return row


def time_cells(cells: Sequence[Cell], rows: list[GridRow], out_dir: Path, data_root: Path) -> None:
    """Set every row's ``ort_ms``: each cell's ONNX model timed at 1 thread, the models taking turns."""
    ann = json.loads((data_root / 'annotations' / 'instances_val.json').read_text())
    print(f'timing {len(cells)} ONNX models, 1 ONNX Runtime thread each, taking turns', flush=True)
    medians = interleaved_latency_ms([out_dir / cell.name / f'{MODEL_NAME}.onnx' for cell in cells],
                                     data_root / 'val', ann)
    for cell, row, median in zip(cells, rows, medians, strict=True):
        row.ort_ms = round(median, 2)
        print(f'    {cell.name}: {row.ort_ms:.1f} ms', flush=True)


def write_outputs(rows: list[GridRow], out_dir: Path, provenance: dict, **extra: object) -> None:
    """``results.json``, ``compare.csv``, ``compare.md`` and ``accuracy_vs_latency.png`` in ``out_dir``.

    Args:
        rows: The timed cells.
        out_dir: The grid's folder.
        provenance: Machine, command, commit and date (:func:`shufflenet_det.results.result_file.run_provenance`).
        extra: Further keys of the result file (``epochs``, ...).
    """
    machine = provenance['machine']
    cell_minutes = round(sum(row.cell_min or 0 for row in rows), 1)
    write_result_file(out_dir / GRID_RESULT_FILE, 'grid', [row.as_dict() for row in rows], provenance,
                      cell_min_total=cell_minutes, **extra)
    with (out_dir / 'compare.csv').open('w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=GridRow.field_names())
        writer.writeheader()
        writer.writerows(row.as_dict() for row in rows)
    table = grid_table(rows)
    note = (f'Shapes val split, COCO mAP@[.5:.95] in %; scale = shorter input side; GFLOPs = mult-adds of a '
            f'scale x scale input with the test-time proposals; latency = median ONNX Runtime session.run over '
            f'val images at 1 thread, the models taking turns, on {machine}; the cells took '
            f'{cell_minutes:.1f} min '
            'together (each: training, evaluation, export and ONNX evaluation; the timing pass not included). '
            'mAP @75% is the PyTorch mAP at 75 % of the schedule; a cell whose mAP rose by '
            f'{CONVERGED_GAIN_PERCENT:.0f} % or more since then is not converged.')
    (out_dir / 'compare.md').write_text(f'{table}\n\n{note}\n')
    plot_accuracy_vs_latency(rows, machine, out_dir / 'accuracy_vs_latency.png')


def run_grid(configs: Sequence[str], factors: Sequence[int], out_dir: Path, data_root: Path,
             dataset_size: dict | None = None, epochs: int | None = None) -> list[GridRow]:
    """Run every cell (reusing finished ones) and write the result file, table, CSV and plot.

    Args:
        configs: Detector configs on the shapes dataset (the grid's rows; add a config to add a detector).
        factors: Input scale factors relative to each config's own scale, e.g. (1, 2).
        out_dir: Output folder: one subfolder per cell, plus results.json and compare.md/.csv/.png.
        data_root: Shapes dataset folder (generated if missing).
        dataset_size: ``generate_dataset`` arguments (``num_train``, ``num_val``), default its defaults.
        epochs: Training epochs of every cell (validation at 75 % and 100 %); default each config's own.
    """
    start = time.perf_counter()
    provenance = run_provenance(describe_machine(threads=1).label)  # the code and time the run started with
    out_dir.mkdir(parents=True, exist_ok=True)
    generate_dataset(data_root, **(dataset_size or {}))
    cells = grid_cells(configs, factors)
    reused = [cell.name for cell in cells if (out_dir / cell.name / RESULT_FILE).is_file()]
    rows = []
    for index, cell in enumerate(cells, start=1):
        print(f'[{index}/{len(cells)}] {cell.name} ({time.perf_counter() - start:.0f} s so far)', flush=True)
        rows.append(run_cell(cell, out_dir, data_root, epochs))
    time_cells(cells, rows, out_dir, data_root)
    # The provenance is this run's; cells finished by earlier runs (another process, command or commit) are named.
    write_outputs(rows, out_dir, provenance, epochs=epochs, cells_from_earlier_runs=reused)
    print((out_dir / 'compare.md').read_text())
    print(f'wrote {out_dir / GRID_RESULT_FILE} (copy it to results/grid/ and run tools/make_tables.py to publish '
          f'it), compare.md, compare.csv and accuracy_vs_latency.png')
    return rows
