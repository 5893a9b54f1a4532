"""GPU smoke suite (``pytest -m gpu``): each Table 7 config trains 20 iterations on a CUDA GPU, with and without
AMP, on synthetic COCO-sized images at batch 2; the result is evaluated with tools/test.py; tools/dist_train.sh
runs one process on the GPU; a GPU-trained checkpoint exports to ONNX and passes the parity check.

Every test is skipped, with the reason, where torch sees no CUDA GPU (tests/conftest.py).
"""

from pathlib import Path

import pytest
from smoke_runs import (
    BATCH_SIZE,
    TABLE7_CONFIGS,
    assert_trained,
    dist_train_command,
    evaluation_command,
    export_command,
    export_config,
    run,
    train_command,
)

from shufflenet_det.datasets import ShapesDataset, write_coco_sized_dataset

pytestmark = pytest.mark.gpu

ITERATIONS = 20
LOG_INTERVAL = 5
SMALLEST_CONFIG = 'configs/frcnn_shufflenet_1x_300.py'


@pytest.fixture(scope='module')
def coco_sized(tmp_path_factory: pytest.TempPathFactory) -> ShapesDataset:
    """One epoch of 20 iterations at batch 2, and 2 validation images, all 640x480."""
    return write_coco_sized_dataset(tmp_path_factory.mktemp('coco_sized'), num_train=ITERATIONS * BATCH_SIZE,
                                    num_val=2)


@pytest.fixture(scope='module')
def gpu_trained(coco_sized: ShapesDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The work dir of the smallest config trained 20 iterations on the GPU."""
    work_dir = tmp_path_factory.mktemp('gpu_trained')
    output = run(train_command(SMALLEST_CONFIG, work_dir, coco_sized, amp=False, log_interval=LOG_INTERVAL))
    assert 'CUDA available: True' in output
    assert_trained(output, work_dir, ITERATIONS)
    return work_dir


@pytest.mark.parametrize('amp', [False, True], ids=['fp32', 'amp'])
@pytest.mark.parametrize('config', TABLE7_CONFIGS)
def test_train_20_iterations_then_evaluate(config: str, amp: bool, coco_sized: ShapesDataset, tmp_path: Path):
    work_dir = tmp_path / 'work'
    output = run(train_command(config, work_dir, coco_sized, amp, LOG_INTERVAL))
    assert 'CUDA available: True' in output
    assert_trained(output, work_dir, ITERATIONS)
    assert ("type='AmpOptimWrapper'" in (work_dir / Path(config).name).read_text()) == amp
    output = run(evaluation_command(config, work_dir / 'epoch_1.pth', tmp_path / 'test', coco_sized))
    assert 'Epoch(test) [2/2]' in output


def test_dist_train_one_process_on_the_gpu(coco_sized: ShapesDataset, tmp_path: Path):
    work_dir = tmp_path / 'work'
    output = run(dist_train_command(SMALLEST_CONFIG, work_dir, coco_sized, LOG_INTERVAL))
    assert 'Distributed training: True' in output and 'CUDA available: True' in output
    assert_trained(output, work_dir, ITERATIONS)


def test_export_a_gpu_trained_checkpoint_with_parity_check(gpu_trained: Path, coco_sized: ShapesDataset,
                                                            tmp_path: Path):
    config = export_config(SMALLEST_CONFIG, tmp_path)
    output = run(export_command(config, gpu_trained / 'epoch_1.pth', tmp_path / 'exported', coco_sized))
    assert 'PASS' in output
    assert list((tmp_path / 'exported').glob('*.onnx'))
