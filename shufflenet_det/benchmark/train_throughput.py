"""Training throughput of the COCO detector configs: iteration time, images/s and peak GPU memory.

Each config trains with its own pipeline, model and optimizer on synthetic COCO-sized images (640x480, resized
as the config resizes COCO images) at a fixed batch per device. The batches are loaded before the clock starts,
so a figure is one training step (forward, losses, backward, optimizer update); data loading, which runs in
parallel workers during real training, is left out. Weights are random (a config's pretrained checkpoint is not
loaded: speed does not depend on the weights), and the learning rate is the warm-up's starting value so that
random weights stay finite over the timed steps.
"""

import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

import torch
from mmdet.registry import MODELS
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from ..cli.run_setup import enable_amp
from ..core.markdown import markdown_table
from ..datasets import ShapesDataset, coco_config_options, write_coco_sized_dataset
from ..deploy.machine import describe_machine

#: Images in COCO train2017 (the papers' trainval35k); MMDetection drops the ~1 % without boxes.
COCO_TRAIN_IMAGES = 118_287
SCHEDULE_EPOCHS = 24
SCHEDULE_GPUS = 8
#: The configs' warm-up starts at this fraction of the learning rate (MMDetection's 2x schedule).
WARMUP_START_FACTOR = 0.001
#: Config files measured by default, relative to the project root.
CONFIG_PATTERNS = ('configs/frcnn_*.py', 'configs/lighthead/*.py')
#: Distinct images the timed steps cycle through, at most.
SYNTHETIC_TRAIN_IMAGES = 16


@dataclass(frozen=True)
class ThroughputRow:
    """The training speed of one config on one device.

    Attributes:
        config: Config name (path under ``configs/`` without ``.py``).
        amp: Whether the step ran with automatic mixed precision.
        batch_size: Images per step.
        iteration_seconds: Median time of one training step; ``None`` when not measured.
        peak_memory_mib: Peak GPU memory allocated by torch during the timed steps; ``None`` on CPU.
        note: Why the row was not measured, when it was not.
    """

    config: str
    amp: bool
    batch_size: int
    iteration_seconds: float | None
    peak_memory_mib: float | None = None
    note: str = ''

    @property
    def images_per_second(self) -> float | None:
        """Training images per second on one device."""
        return None if self.iteration_seconds is None else self.batch_size / self.iteration_seconds

    def schedule_hours(self, devices: int = SCHEDULE_GPUS) -> float | None:
        """Estimated hours of the 24-epoch COCO schedule on ``devices`` devices at this step time.

        Assumes each device keeps this step time under data-parallel training (gradient synchronisation and
        data loading are not included) and leaves out the validation after each epoch.
        """
        if self.iteration_seconds is None:
            return None
        iterations = SCHEDULE_EPOCHS * math.ceil(COCO_TRAIN_IMAGES / (devices * self.batch_size))
        return iterations * self.iteration_seconds / 3600


def discover_configs(root: Path) -> list[Path]:
    """The config files matching :data:`CONFIG_PATTERNS` under the project ``root``, sorted."""
    return sorted(path for pattern in CONFIG_PATTERNS for path in root.glob(pattern))


def config_label(config: Path) -> str:
    """A config's name as the tables show it: its path under ``configs/`` without ``.py``."""
    parts = config.with_suffix('').parts
    if 'configs' not in parts:
        return config.stem
    return '/'.join(parts[len(parts) - parts[::-1].index('configs'):])


def device_label(device: torch.device) -> str:
    """The GPU's name, or the CPU's model, architecture and threads."""
    if device.type == 'cuda':
        return f'{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})'
    return f'CPU: {describe_machine(torch.get_num_threads()).label}'


def _load_batches(cfg: Config, count: int) -> list[dict]:
    """``count`` training batches from the config's own dataloader, loaded in this process."""
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    return list(islice(cycle(loader), count))


def _synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def measure_config(config: Path, data: ShapesDataset, device: torch.device, amp: bool, batch_size: int = 2,
                   warmup: int = 5, iters: int = 20, cfg_options: dict | None = None) -> ThroughputRow:
    """Time ``iters`` training steps of ``config`` after ``warmup`` untimed ones.

    Args:
        config: Detector config file.
        data: Synthetic COCO-sized data (:func:`~shufflenet_det.datasets.write_coco_sized_dataset`).
        device: Where to train.
        amp: Train with automatic mixed precision (CUDA only; on CPU the row says it is not applicable).
        batch_size: Images per step.
        warmup: Untimed steps first (CUDA kernels selection, allocator warm-up).
        iters: Timed steps; the row reports their median.
        cfg_options: Config overrides (``--cfg-options``), applied last.

    Returns:
        The measured row.
    """
    name = config_label(config)
    if amp and device.type != 'cuda':
        return ThroughputRow(name, amp, batch_size, None, note='n/a: AMP needs a CUDA GPU')
    register_all_modules()
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(coco_config_options(data))
    cfg.train_dataloader.batch_size = batch_size
    cfg.optim_wrapper.optimizer.lr *= WARMUP_START_FACTOR
    if amp:
        enable_amp(cfg)
    cfg.merge_from_dict(cfg_options or {})
    batches = _load_batches(cfg, warmup + iters)
    model = MODELS.build(cfg.model).to(device)
    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    times = []
    for step, batch in enumerate(batches):
        if step == warmup and device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(device)
        _synchronize(device)
        start = time.perf_counter()
        model.train_step(batch, optim_wrapper)
        _synchronize(device)
        if step >= warmup:
            times.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated(device) / 2**20 if device.type == 'cuda' else None
    del model, optim_wrapper
    if device.type == 'cuda':
        torch.cuda.empty_cache()
    return ThroughputRow(name, amp, batch_size, statistics.median(times), peak)


def measure_configs(configs: list[Path], device: torch.device, amp_modes: tuple[bool, ...], batch_size: int = 2,
                    warmup: int = 5, iters: int = 20, cfg_options: dict | None = None) -> list[ThroughputRow]:
    """Measure every config in every AMP mode on synthetic data written to a temporary folder, with progress."""
    rows = []
    with tempfile.TemporaryDirectory(prefix='train_benchmark_') as folder:
        data = write_coco_sized_dataset(folder, num_train=min(SYNTHETIC_TRAIN_IMAGES, batch_size * (warmup + iters)),
                                        num_val=1)
        jobs = [(config, amp) for config in configs for amp in amp_modes]
        for number, (config, amp) in enumerate(jobs, start=1):
            print(f'[{number}/{len(jobs)}] {config_label(config)}, AMP {"on" if amp else "off"} ...',
                  file=sys.stderr, flush=True)
            rows.append(measure_config(config, data, device, amp, batch_size, warmup, iters, cfg_options))
    return rows


def format_table(rows: list[ThroughputRow], device: torch.device, warmup: int, iters: int,
                 devices: int = SCHEDULE_GPUS) -> str:
    """A Markdown table of the rows, with the device, the method and the schedule estimate's assumptions."""
    headers = ['config', 'AMP', 'images/step', 'step (s)', 'images/s', 'peak GPU memory (MiB)',
               f'{SCHEDULE_EPOCHS} COCO epochs on {devices} devices (h, est.)']
    body = []
    for row in rows:
        if row.iteration_seconds is None:
            body.append([row.config, 'on' if row.amp else 'off', row.batch_size, row.note, '-', '-', '-'])
            continue
        memory = f'{row.peak_memory_mib:.0f}' if row.peak_memory_mib is not None else 'n/a (CPU)'
        body.append([row.config, 'on' if row.amp else 'off', row.batch_size, f'{row.iteration_seconds:.3f}',
                     f'{row.images_per_second:.3g}', memory, f'{row.schedule_hours(devices):.1f}'])
    return '\n'.join([
        f'Training throughput on {device_label(device)}; median of {iters} steps after {warmup} warm-up steps, '
        'synthetic 640x480 images, data loading not included.',
        '',
        markdown_table(headers, body),
        '',
        f'Estimate: {SCHEDULE_EPOCHS} epochs x ceil({COCO_TRAIN_IMAGES:,} train2017 images / ({devices} devices x '
        'images/step)) steps at the measured step time, each device as fast as alone (no gradient '
        'synchronisation or data loading cost), validation not included.',
    ])
