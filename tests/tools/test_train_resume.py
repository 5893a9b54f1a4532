"""An interrupted training run resumes from its last checkpoint with the same iteration and optimizer state."""

from pathlib import Path

from mmengine.config import Config
from mmengine.runner import Runner

from shufflenet_det.cli.run_setup import adapt_to_cpu
from shufflenet_det.datasets import generate_dataset

ROOT = Path(__file__).resolve().parents[2]


def tiny_run(data_root: Path, work_dir: Path, max_epochs: int, resume: bool) -> Runner:
    cfg = Config.fromfile(str(ROOT / 'configs/demo/shapes_frcnn_shufflenet.py'))
    cfg.work_dir = str(work_dir)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = f'{data_root}/'
    cfg.val_evaluator.ann_file = cfg.test_evaluator.ann_file = str(data_root / 'annotations/instances_val.json')
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg.max_epochs = max_epochs
    cfg.train_cfg.val_interval = 100  # no evaluation in this test
    cfg.default_hooks.checkpoint.interval = 1
    cfg.resume = resume
    cfg.log_level = 'WARNING'
    adapt_to_cpu(cfg, 'none')
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def test_resume_continues_iterations_optimizer_and_schedule(tmp_path):
    data_root = tmp_path / 'shapes'
    generate_dataset(data_root, num_train=8, num_val=2)
    interrupted = tiny_run(data_root, tmp_path / 'work', max_epochs=1, resume=False)
    assert interrupted.iter == 2 and (tmp_path / 'work' / 'epoch_1.pth').exists()

    resumed = tiny_run(data_root, tmp_path / 'work', max_epochs=2, resume=True)
    assert resumed.epoch == 2 and resumed.iter == 4
    # AdamW counts its own steps: 4 only if the first run's optimizer state was restored.
    steps = {int(state['step']) for state in resumed.optim_wrapper.optimizer.state.values()}
    assert steps == {4}
    warmup = resumed.param_schedulers[0]
    assert warmup.last_step == 4
