"""The runs of the GPU smoke suite, shared with its CPU check: tools/train.py, tools/test.py, tools/dist_train.sh
and tools/export.py on synthetic COCO-sized data, as subprocesses of the installed interpreter."""

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

from mmengine.config import DictAction

from shufflenet_det.checkpoints.imagenet_init import FROM_SCRATCH_OPTIONS
from shufflenet_det.datasets import ShapesDataset, coco_config_options

ROOT = Path(__file__).resolve().parents[2]
#: The Table 7 configs: every top-level detector config, found by file name.
TABLE7_CONFIGS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'configs').glob('frcnn_*.py'))
BATCH_SIZE = 2


def from_scratch_options() -> dict[str, object]:
    """The overrides that train a config from random weights (no converted ImageNet checkpoint needed)."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *FROM_SCRATCH_OPTIONS.split()]).cfg_options


def run_options(data: ShapesDataset, log_interval: int, extra: dict | None = None) -> dict[str, object]:
    """Config overrides for one epoch over ``data`` at batch 2, validated at its end, then ``extra``."""
    return {**coco_config_options(data), **from_scratch_options(), 'train_dataloader.batch_size': BATCH_SIZE,
            'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1, 'default_hooks.logger.interval': log_interval,
            **(extra or {})}


def cfg_options(data: ShapesDataset, log_interval: int, extra: dict | None = None) -> list[str]:
    """:func:`run_options` as the tools' ``--cfg-options`` arguments."""
    options = run_options(data, log_interval, extra)
    return ['--cfg-options', *(f'{key}={value}' for key, value in options.items())]


def train_command(config: str, work_dir: Path, data: ShapesDataset, amp: bool, log_interval: int,
                  extra: dict | None = None) -> list[str]:
    """tools/train.py of ``config`` for one epoch over ``data``, with ``--amp`` when asked, and ``extra`` overrides."""
    return [sys.executable, 'tools/train.py', config, '--work-dir', str(work_dir), *(['--amp'] if amp else []),
            *cfg_options(data, log_interval, extra)]


def dist_train_command(config: str, work_dir: Path, data: ShapesDataset, log_interval: int) -> list[str]:
    """tools/dist_train.sh of ``config`` with one process."""
    return ['bash', 'tools/dist_train.sh', config, '1', '--work-dir', str(work_dir), *cfg_options(data, log_interval)]


def evaluation_command(config: str, checkpoint: Path, work_dir: Path, data: ShapesDataset) -> list[str]:
    """tools/test.py of ``checkpoint`` on ``data``'s validation images."""
    return [sys.executable, 'tools/test.py', config, str(checkpoint), '--work-dir', str(work_dir),
            *cfg_options(data, log_interval=1)]


def export_command(config: Path, checkpoint: Path, out: Path, data: ShapesDataset) -> list[str]:
    """tools/export.py of ``checkpoint`` with the parity check on ``data``'s validation images."""
    return [sys.executable, 'tools/export.py', str(config), str(checkpoint), '--out', str(out), '--verify',
            '--images', str(data.img_dir('val'))]


def export_config(config: str, folder: Path) -> Path:
    """A config file deriving ``config`` that keeps every score (score threshold 0) for the export's parity check.

    A briefly trained detector scores every class near 1/81, under the configs' 0.05 threshold, which would
    leave the parity check nothing to compare.
    """
    path = folder / f'{Path(config).stem}_all_scores.py'
    path.write_text(f'_base_ = {str(ROOT / config)!r}\nmodel = dict(test_cfg=dict(rcnn=dict(score_thr=0.0)))\n')
    return path


def run(command: list[str], timeout: int = 900) -> str:
    """Run ``command`` in the project root; return its output, failing with the output's end if it fails."""
    env = dict(os.environ, PYTHON=sys.executable, PORT=os.environ.get('PORT', '29531'))
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f'{" ".join(command[:4])} ... failed:\n{output[-4000:]}'
    return output


def training_losses(work_dir: Path) -> list[float]:
    """The total loss of every logged training iteration of the run in ``work_dir``."""
    lines = next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()
    return [record['loss'] for record in map(json.loads, lines) if 'loss' in record]


def assert_trained(output: str, work_dir: Path, iterations: int) -> None:
    """The run logged its last iteration with finite losses and wrote its checkpoint."""
    assert f'Epoch(train) [1][{iterations}/{iterations}]' in output, output[-3000:]
    losses = training_losses(work_dir)
    assert losses and all(math.isfinite(loss) for loss in losses), losses
    assert (work_dir / 'epoch_1.pth').is_file()
