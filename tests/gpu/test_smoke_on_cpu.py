"""What of the GPU smoke suite runs without a GPU: its data, its config overrides, its skipping, and (slow) the
same train / evaluate / export runs on CPU."""

import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from smoke_runs import (
    ROOT,
    TABLE7_CONFIGS,
    assert_trained,
    evaluation_command,
    export_command,
    export_config,
    run,
    run_options,
    train_command,
)

from shufflenet_det.datasets import COCO_IMAGE_SIZE, write_coco_sized_dataset
from shufflenet_det.datasets.coco_sized import COCO_CLASSES


def test_table7_configs_are_found():
    assert {config.split('/')[-1] for config in TABLE7_CONFIGS} >= {
        f'frcnn_{model}{scale}.py' for model in ('shufflenet_2x', 'shufflenet_1x', 'mobilenet_v1')
        for scale in ('', '_300')}


@pytest.mark.parametrize('config,resized', [('configs/frcnn_mobilenet_v1.py', (600, 800)),
                                            ('configs/frcnn_shufflenet_1x_300.py', (300, 400))])
def test_coco_sized_data_trains_through_a_table7_config(config, resized, tmp_path):
    data = write_coco_sized_dataset(tmp_path / 'data', num_train=2, num_val=1)
    cfg = Config.fromfile(str(ROOT / config))
    cfg.merge_from_dict(run_options(data, log_interval=1))
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    init_default_scope('mmdet')
    loader = Runner.build_dataloader(cfg.train_dataloader)
    batch = next(iter(loader))
    assert len(loader.dataset) == 2 and len(loader.dataset.metainfo['classes']) == len(COCO_CLASSES) == 80
    assert [tuple(image.shape[1:]) for image in batch['inputs']] == [resized, resized]
    assert batch['data_samples'][0].ori_shape == COCO_IMAGE_SIZE[::-1]
    labels = torch.cat([sample.gt_instances.labels for sample in batch['data_samples']])
    assert len(labels) > 0 and labels.max() < 5  # the shapes are COCO's first five categories


def test_train_command_sets_amp_only_when_asked(tmp_path):
    data = write_coco_sized_dataset(tmp_path / 'data', num_train=1, num_val=1)
    plain, amp = (train_command(TABLE7_CONFIGS[0], tmp_path, data, amp, 5) for amp in (False, True))
    assert '--amp' not in plain and amp == [*plain[:5], '--amp', *plain[5:]]
    assert 'train_cfg.max_epochs=1' in plain and 'default_hooks.logger.interval=5' in plain


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the skipping on a machine without a GPU')
def test_gpu_suite_is_skipped_with_its_reason_without_a_gpu():
    result = subprocess.run([sys.executable, '-m', 'pytest', '-m', 'gpu', '-q', '-rs', '-p', 'no:cacheprovider',
                             'tests/gpu'], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'needs a CUDA GPU' in result.stdout
    assert ' passed' not in result.stdout and ' failed' not in result.stdout
    assert f'{2 * len(TABLE7_CONFIGS) + 2} skipped' in result.stdout


@pytest.mark.slow
def test_smoke_runs_on_cpu(tmp_path):
    """The GPU suite's train, evaluate and export runs, one iteration on CPU (no --amp, which needs a GPU)."""
    data = write_coco_sized_dataset(tmp_path / 'data', num_train=2, num_val=2)
    config = 'configs/frcnn_shufflenet_1x_300.py'
    work_dir = tmp_path / 'work'
    # 16 sampled RoIs per image instead of 512: the per-RoI stage makes a CPU step about 25 CPU-seconds.
    output = run(train_command(config, work_dir, data, amp=False, log_interval=1,
                               extra={'model.train_cfg.rcnn.sampler.num': 16}))
    assert_trained(output, work_dir, iterations=1)
    assert 'Epoch(test) [2/2]' in run(evaluation_command(config, work_dir / 'epoch_1.pth', tmp_path / 'test', data))
    output = run(export_command(export_config(config, tmp_path), work_dir / 'epoch_1.pth', tmp_path / 'out', data))
    assert 'PASS' in output
