"""Evaluate a trained detector (COCO bbox mAP) with MMEngine's runner (MMDetection's tools/test.py).

Example:
    python tools/test.py configs/frcnn_shufflenet_2x.py work_dirs/frcnn_shufflenet_2x/epoch_24.pth
"""

import argparse
import os

from mmengine.config import DictAction

from shufflenet_det.checkpoints import load_weights
from shufflenet_det.cli.run_setup import (
    adapt_to_cpu,
    build_runner,
    close_distributed,
    load_run_config,
    reported_errors,
    unwrapped,
)
from shufflenet_det.core.output_paths import check_writable_file


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a detector')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file; it must fit the config exactly')
    parser.add_argument('--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument('--out', help='dump predictions to this pickle file for offline evaluation')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. test_dataloader.batch_size=4')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    args = parse_args()
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        raise SystemExit(f'error: --out {args.out} must end with .pkl or .pickle')
    with reported_errors(args.debug):
        if args.out is not None:
            check_writable_file(args.out, '--out')
        cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.launcher)
        cfg.load_from = None  # loaded strictly below instead of MMEngine's warn-and-continue
        if args.out is not None:
            cfg.test_evaluator = [cfg.test_evaluator, dict(type='DumpDetResults', out_file_path=args.out)]
        adapt_to_cpu(cfg, args.launcher)
        runner = build_runner(cfg)
        load_weights(unwrapped(runner.model), args.checkpoint)
        runner.test()
    close_distributed()


if __name__ == '__main__':
    main()
