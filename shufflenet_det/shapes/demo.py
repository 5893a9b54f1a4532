"""The demo: train the two ~40 MFLOPs detectors on the built-in shapes dataset, evaluate, tabulate and draw them."""

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context, get_start_method
from pathlib import Path

import torch

from ..complexity.mult_adds import detector_complexity
from ..core.config_edits import load_with_epochs
from ..core.project_configs import config_scale
from ..datasets import CLASSES, generate_dataset
from ..deploy.images import read_image
from ..deploy.machine import describe_machine
from ..results.convergence import CONVERGED_GAIN_PERCENT, gain_label
from ..results.result_file import run_provenance, write_result_file
from ..results.shapes_rows import DemoRow
from ..results.tables import demo_table
from .grid import GRID_EPOCHS
from .picture import detection_sheet, ground_truth, torch_detections
from .training_run import TrainedDetector, print_now, train_detector

CONFIGS = ('configs/demo/shapes_frcnn_shufflenet.py', 'configs/demo/shapes_frcnn_mobilenet.py')
PICTURE_IMAGES = 4


@dataclass(frozen=True)
class DemoResult:
    """One trained and evaluated demo detector."""

    config: str
    trained: TrainedDetector
    gflops: float
    mparams: float

    def row(self) -> DemoRow:
        """The detector's row of the demo table and result file: final metrics (percent), history, complexity."""
        final = self.trained.final
        return DemoRow(config=self.config, **{key: final.get(key) for key in (
                           'bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')},
                       bbox_mAP_by_epoch={str(epoch): vals['bbox_mAP']
                                          for epoch, vals in sorted(self.trained.vals.items())},
                       gflops=round(self.gflops, 4), mparams=round(self.mparams, 3),
                       train_minutes=round(self.trained.train_seconds / 60, 2))


def complexity_at_scale(trained: TrainedDetector) -> tuple[float, float]:
    """GFLOPs (mult-adds) and millions of parameters at the config's test scale with its test proposal count."""
    cfg = trained.runner.cfg
    input_scale = config_scale(cfg)
    model = trained.runner.model
    complexity = detector_complexity(model, input_scale.scale, input_scale.max_size, cfg.model.test_cfg.rpn.max_per_img)
    return complexity.mult_adds / 1e9, complexity.params / 1e6


def convergence_warnings(results: list[DemoResult]) -> list[str]:
    """One line per detector whose mAP still rose by :data:`CONVERGED_GAIN_PERCENT` or more in its last quarter."""
    return [f'{Path(result.config).stem} is not converged: its mAP rose {gain_label(result.trained.last_quarter_gain)} '
            f'in the last quarter of the schedule (converged: under {CONVERGED_GAIN_PERCENT:.0f} %). '
            f'Train longer with --epochs, e.g. --epochs {GRID_EPOCHS} as tools/compare.py does.'
            for result in results
            if result.trained.last_quarter_gain is not None
            and result.trained.last_quarter_gain >= CONVERGED_GAIN_PERCENT]


def draw_demo(results: list[DemoResult], val_dir: Path, ann_file: Path, out_file: Path) -> None:
    """Ground truth and each detector's detections on the first val images, one row each."""
    coco = json.loads(ann_file.read_text())
    records = coco['images'][:PICTURE_IMAGES]
    images = [read_image(val_dir / record['file_name']) for record in records]
    rows = {'ground truth': [(image, ground_truth(coco, record['id'])) for image, record in zip(images, records,
                                                                                            strict=True)]}
    for result in results:
        model = result.trained.runner.model
        model.cfg = result.trained.runner.cfg
        model.eval()
        title = f'{Path(result.config).stem}: mAP {result.trained.final["bbox_mAP"]:.1f} (scores >= 0.3)'
        rows[title] = [(image, torch_detections(model, val_dir / record['file_name']))
                       for image, record in zip(images, records, strict=True)]
    detection_sheet(rows, CLASSES).save(out_file)


def train_in_own_process(config: str, work_dir: Path, epochs: int | None, threads: int) -> None:
    """Train ``config`` from scratch in ``work_dir`` with ``threads`` torch threads, progress lines prefixed."""
    torch.set_num_threads(threads)
    name = Path(config).stem
    cfg = load_with_epochs(config, epochs)
    cfg.env_cfg.mp_cfg.mp_start_method = get_start_method()  # keep this process's own method, and MMEngine quiet
    train_detector(cfg, work_dir, resume=False,
                   progress=lambda line: print_now(f'    [{name}] {line.strip()}'))


def threads_each(trainings: int) -> int:
    """Torch threads each of ``trainings`` side-by-side trainings gets: the CPU cores shared out."""
    return max(1, (os.cpu_count() or 1) // trainings)


def train_side_by_side(configs: tuple[str, ...], work_root: Path, epochs: int | None) -> int:
    """Train every config at once, one process each, sharing the CPU cores out between them.

    Much of a CPU training step runs on one thread (RoI sampling, NMS, small ops), so two single-thread
    trainings on two cores finish sooner than the same two one after the other with two threads each.

    Returns:
        The torch threads each training had.
    """
    threads = threads_each(len(configs))
    print(f'==> training {len(configs)} detectors side by side, {threads} torch thread(s) each', flush=True)
    with ProcessPoolExecutor(len(configs), mp_context=get_context('spawn')) as pool:
        runs = [pool.submit(train_in_own_process, config, work_root / Path(config).stem, epochs, threads)
                for config in configs]
        for run in runs:
            run.result()
    return threads


def run_demo(work_root: Path, configs: tuple[str, ...] = CONFIGS, dataset_root: str = 'data/shapes',
             epochs: int | None = None) -> list[DemoResult]:
    """Generate the dataset, train every config (side by side), evaluate, print the table and draw the picture.

    Args:
        work_root: Each detector trains in ``work_root/<config stem>``; the picture is ``detections.png``.
        configs: Detector configs on the shapes dataset.
        dataset_root: Where the shapes dataset is (generated if missing).
        epochs: Training epochs of both detectors; default the configs' own schedule.
    """
    print('==> built-in dataset', flush=True)
    dataset = generate_dataset(dataset_root)
    threads = train_side_by_side(configs, work_root, epochs)
    results = []
    for config in configs:
        # Resuming a finished run loads its final checkpoint and trains no further.
        trained = train_detector(load_with_epochs(config, epochs), work_root / Path(config).stem, resume=True,
                                 progress=None)
        gflops, mparams = complexity_at_scale(trained)
        results.append(DemoResult(config, trained, gflops, mparams))
        print(f'{Path(config).stem}: mAP by epoch {results[-1].row().bbox_mAP_by_epoch}, '
              f'{trained.train_seconds / 60:.1f} min training', flush=True)
    picture = work_root / 'detections.png'
    draw_demo(results, dataset.img_dir('val'), dataset.ann_file('val'), picture)
    num_val = len(json.loads(dataset.ann_file('val').read_text())['images'])
    input_scale = config_scale(results[0].trained.runner.cfg)
    size = f'{input_scale.max_size}x{input_scale.scale}'
    print(f'\nShapes val split ({num_val} images, resized to at most {size}), COCO mAP@[.5:.95] in %, '
          f'at 75 % and 100 % of the schedule; GFLOPs = mult-adds at that size with the test-time proposal count; '
          f'{describe_machine(threads).label} per detector:\n')
    print(demo_table([result.row() for result in results]))
    for warning in convergence_warnings(results):
        print(f'\nnote: {warning}')
    print(f'\ndetections drawn in {picture}')
    return results


def write_json(results: list[DemoResult], path: Path, provenance: dict) -> None:
    """Write the demo's result file (kind ``demo``, one :class:`DemoRow` per detector) to ``path``.

    Args:
        results: The trained detectors.
        path: The file; ``results/demo/<name>.json`` publishes it (``tools/make_tables.py``).
        provenance: Machine, command, commit and date (:func:`shufflenet_det.results.result_file.run_provenance`).
    """
    write_result_file(path, 'demo', [result.row().as_dict() for result in results], provenance)


def demo_provenance(configs: tuple[str, ...] = CONFIGS) -> dict:
    """Machine (with the torch threads each detector trains with), command, commit and date of this demo run."""
    return run_provenance(describe_machine(threads_each(len(configs))).label)
