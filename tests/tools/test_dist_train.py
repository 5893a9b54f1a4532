"""tools/dist_train.sh runs the real torchrun + MMEngine distributed path (2 CPU processes, gloo)."""

import os
import subprocess
import sys
from pathlib import Path

from shufflenet_det.datasets import generate_dataset

ROOT = Path(__file__).resolve().parents[2]


def test_two_process_training_through_torchrun(tmp_path):
    data_root = tmp_path / 'shapes'
    generate_dataset(data_root, num_train=8, num_val=2)
    work_dir = tmp_path / 'work'
    val_ann = data_root / 'annotations/instances_val.json'
    options = [f'{loader}.dataset.data_root={data_root}/' for loader in
               ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    options += [f'val_evaluator.ann_file={val_ann}', f'test_evaluator.ann_file={val_ann}',
                'train_dataloader.batch_size=2', 'train_cfg.max_epochs=1', 'train_cfg.val_interval=100']
    env = dict(os.environ, PYTHON=sys.executable, PORT='29517', OMP_NUM_THREADS='1')
    result = subprocess.run(
        ['bash', 'tools/dist_train.sh', 'configs/demo/shapes_frcnn_shufflenet.py', '2', '--work-dir',
         str(work_dir), '--cfg-options', *options],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert 'Distributed training: True' in output
    # 8 images, 2 processes x 2 images per step: 2 iterations per epoch, checkpoint written by rank 0.
    assert 'Epoch(train) [1][2/2]' in output
    assert (work_dir / 'epoch_1.pth').exists()
