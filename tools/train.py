"""Train a detector with MMEngine's runner (MMDetection's tools/train.py, plus CPU support).

Examples:
    python tools/train.py configs/frcnn_shufflenet_2x.py
    python tools/train.py configs/frcnn_shufflenet_2x.py --resume          # continue from the last checkpoint
    bash tools/dist_train.sh configs/frcnn_shufflenet_2x.py 8              # 8 GPUs through torchrun
"""

import argparse
import os

from mmengine.config import DictAction

from shufflenet_det.checkpoints.imagenet_init import require_pretrained_files
from shufflenet_det.cli.run_setup import (
    adapt_to_cpu,
    build_runner,
    close_distributed,
    enable_amp,
    launcher_rank,
    load_run_config,
    reported_errors,
)
from shufflenet_det.engine import configure_resume
from shufflenet_det.engine.work_dir_lock import hold_work_dir


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a detector')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision (GPU only)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual total batch size')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from this checkpoint, or with no value from the newest intact checkpoint in '
                             'the work dir')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. train_dataloader.batch_size=4')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    args = parse_args()
    with reported_errors(args.debug):
        cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.launcher)
        if args.amp:
            enable_amp(cfg)
        if args.auto_scale_lr:
            cfg.auto_scale_lr.enable = True
        with hold_work_dir(cfg.work_dir, enabled=launcher_rank(args.launcher) == 0):  # one training per work dir
            configure_resume(cfg, args.resume)
            require_pretrained_files(cfg, args.config)  # MMEngine initialises the weights before it resumes too
            adapt_to_cpu(cfg, args.launcher)
            build_runner(cfg).train()
    close_distributed()


if __name__ == '__main__':
    main()
