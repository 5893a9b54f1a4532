"""Train and evaluate one detector config with MMEngine's runner, keeping a record that survives interruptions.

A :class:`ValHistoryHook` appends every validation's COCO metrics and every epoch's training time to
``<work_dir>/history.json``, so the mAP at 75 % of the schedule and at its end, and the training time, are known
after a run that was interrupted and resumed. What the run prints (pycocotools' summaries at every validation,
the datasets' loading lines) goes to the run's log file; the screen gets one progress line per epoch and
validation.
"""

import contextlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from ..cli.run_setup import adapt_to_cpu, build_runner
from ..engine import configure_resume
from ..engine.work_dir_lock import hold_work_dir
from ..results.convergence import last_quarter_gain

HISTORY_FILE = 'history.json'
#: CocoMetric's keys (fractions) and the names they get in our results (percent).
METRIC_NAMES = {'coco/bbox_mAP': 'bbox_mAP', 'coco/bbox_mAP_50': 'bbox_mAP_50', 'coco/bbox_mAP_75': 'bbox_mAP_75',
                'coco/bbox_mAP_s': 'bbox_mAP_s', 'coco/bbox_mAP_m': 'bbox_mAP_m', 'coco/bbox_mAP_l': 'bbox_mAP_l'}


def print_now(line: str) -> None:
    """Print ``line`` at once, also when the output is a file or a pipe (progress of long runs)."""
    print(line, flush=True)


def read_history(work_dir: str | Path) -> dict:
    """The run's record: ``{'epochs': {epoch: train seconds}, 'vals': {epoch: metrics}}`` (empty if none)."""
    path = Path(work_dir) / HISTORY_FILE
    if not path.is_file():
        return {'epochs': {}, 'vals': {}}
    return json.loads(path.read_text())


def percent_metrics(metrics: dict[str, float]) -> dict[str, float]:
    """CocoMetric's fractions as our percent metrics (-1, "no objects of that size", stays -1)."""
    return {name: round(100 * metrics[key], 2) if metrics[key] >= 0 else -1.0
            for key, name in METRIC_NAMES.items() if key in metrics}


def run_log_file(runner: Runner) -> Path:
    """The log file MMEngine's runner writes: ``<work_dir>/<timestamp>/<timestamp>.log``."""
    return Path(runner.log_dir) / f'{runner.timestamp}.log'


def errors_only_on_screen(logger: logging.Logger) -> None:
    """Let ``logger`` show only errors on the screen; its log file still gets everything its level lets through."""
    for handler in logger.handlers:
        if not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.ERROR)


class ValHistoryHook(Hook):
    """Record each epoch's training seconds and each validation's metrics (percent) in ``history.json``.

    Args:
        progress: Called with one line per finished epoch and validation, or None.
        screen: Where ``progress`` prints while the run's own output goes to its log file; default the
            ``sys.stdout`` of the hook's creation.
    """

    priority = 'LOW'

    def __init__(self, progress: Callable[[str], None] | None = print_now, screen: TextIO | None = None) -> None:
        self.progress = progress
        self.screen = screen or sys.stdout

    def before_train_epoch(self, runner: Runner) -> None:
        self._epoch_start = time.perf_counter()

    def after_train_epoch(self, runner: Runner) -> None:
        # The loop counts the epoch as done only after this hook.
        seconds = round(time.perf_counter() - self._epoch_start, 2)
        self._update(runner, 'epochs', seconds, runner.epoch + 1)
        self._say(f'    epoch {runner.epoch + 1}/{runner.max_epochs}: {seconds:.0f} s')

    def before_val_epoch(self, runner: Runner) -> None:
        self._val_start = time.perf_counter()

    def after_val_epoch(self, runner: Runner, metrics: dict[str, float] | None = None) -> None:
        record = {**percent_metrics(metrics or {}), 'seconds': round(time.perf_counter() - self._val_start, 2)}
        self._update(runner, 'vals', record, runner.epoch)
        self._say(f'    val after epoch {runner.epoch}: mAP {record.get("bbox_mAP", -1):.1f} '
                  f'(AP50 {record.get("bbox_mAP_50", -1):.1f}), {record["seconds"]:.0f} s')

    def _say(self, line: str) -> None:
        if self.progress is not None:
            with contextlib.redirect_stdout(self.screen):
                self.progress(line)

    @staticmethod
    def _update(runner: Runner, section: str, value: object, epoch: int) -> None:
        history = read_history(runner.work_dir)
        history[section][str(epoch)] = value
        (Path(runner.work_dir) / HISTORY_FILE).write_text(json.dumps(history, indent=2) + '\n')


@dataclass(frozen=True)
class TrainedDetector:
    """A finished training run.

    Attributes:
        runner: The runner, holding the trained model and its config.
        checkpoint: The final checkpoint.
        vals: Validation metrics (percent, plus ``seconds``) by epoch, e.g. at 75 % and 100 % of the schedule.
        train_seconds: Wall time of the training epochs (validation excluded), summed over resumed runs.
    """

    runner: Runner
    checkpoint: Path
    vals: dict[int, dict[str, float]]
    train_seconds: float

    @property
    def final(self) -> dict[str, float]:
        """The metrics of the last validation (the end of the schedule)."""
        return self.vals[max(self.vals)]

    @property
    def map_before_final(self) -> float | None:
        """The mAP of the validation before the last (75 % of the schedule), or None if there was only one."""
        epochs = sorted(self.vals)
        return self.vals[epochs[-2]]['bbox_mAP'] if len(epochs) > 1 else None

    @property
    def last_quarter_gain(self) -> float | None:
        """The final mAP's rise over :attr:`map_before_final`, in % of it (see :func:`last_quarter_gain`)."""
        return last_quarter_gain(self.map_before_final, self.final['bbox_mAP'])


def train_detector(cfg: Config, work_dir: str | Path, resume: bool = True, quiet: bool = True,
                   progress: Callable[[str], None] | None = print_now) -> TrainedDetector:
    """Train ``cfg`` in ``work_dir`` (resuming from its last checkpoint if there is one) with validation history.

    Args:
        cfg: A detector config with train, val and test settings; it is copied, not changed.
        work_dir: Where checkpoints, logs and ``history.json`` go.
        resume: Continue from the last checkpoint in ``work_dir`` when there is one.
        quiet: Log warnings only (no per-iteration lines), to the run's log file; the screen shows errors only.
        progress: Called with a line per finished epoch and validation, or None for silence.

    Returns:
        The trained detector with its validation history.

    Raises:
        WorkDirBusyError: If another training holds ``work_dir``.
    """
    cfg = cfg.copy()
    work_dir = Path(work_dir)
    cfg.work_dir = str(work_dir)
    earlier_run = resume and work_dir.is_dir()  # looked at before the lock file creates the folder
    with hold_work_dir(work_dir):
        configure_resume(cfg, 'auto' if earlier_run else None)
        if not cfg.get('resume'):
            (work_dir / HISTORY_FILE).unlink(missing_ok=True)  # a fresh run: forget an older run's record
        if quiet:
            cfg.log_level = 'WARNING'
        if cfg.get('visualizer'):  # one per run: MMEngine warns when a second runner reuses a visualizer's name
            cfg.visualizer.name = f'visualizer {work_dir.resolve()}'
        adapt_to_cpu(cfg, 'none')
        runner = build_runner(cfg)
        if quiet:
            errors_only_on_screen(runner.logger)
        runner.register_hook(ValHistoryHook(progress))
        with run_log_file(runner).open('a') as log, contextlib.redirect_stdout(log):
            runner.train()
    history = read_history(work_dir)
    epochs = cfg.train_cfg.max_epochs
    return TrainedDetector(runner=runner, checkpoint=Path(work_dir) / f'epoch_{epochs}.pth',
                           vals={int(epoch): metrics for epoch, metrics in history['vals'].items()},
                           train_seconds=sum(history['epochs'].values()))
