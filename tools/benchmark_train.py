"""Measure the training throughput of the COCO detector configs and estimate the 24-epoch COCO schedule's time.

Prints a Markdown table naming the device: per config and AMP setting, the median step time at the given
batch per device, images/s, peak GPU memory, and the estimated hours of the 24-epoch schedule on 8 such devices.
Synthetic COCO-sized images; random weights (see shufflenet_det/benchmark/train_throughput.py for the method).

Examples:
    python tools/benchmark_train.py                                    # every config, AMP off and on, GPU
    python tools/benchmark_train.py --device cpu --iters 3 --warmup 1 --configs configs/frcnn_shufflenet_1x_300.py
"""

import argparse
from pathlib import Path

import torch
from mmengine.config import DictAction

from shufflenet_det.benchmark.train_throughput import SCHEDULE_GPUS, discover_configs, format_table, measure_configs
from shufflenet_det.core.errors import OutputPathError
from shufflenet_det.core.output_paths import check_writable_file

ROOT = Path(__file__).resolve().parents[1]
AMP_MODES = {'both': (False, True), 'off': (False, ), 'on': (True, )}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--configs', nargs='+', type=Path,
                        help='config files (default: configs/frcnn_*.py and configs/lighthead/*.py)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu',
                        help='cuda, cuda:N or cpu (default: cuda when a GPU is visible)')
    parser.add_argument('--amp', choices=sorted(AMP_MODES), default='both',
                        help='mixed precision off, on or both (default: both; not applicable on CPU)')
    parser.add_argument('--batch-size', type=int, default=2, help='images per step and device (default: 2)')
    parser.add_argument('--warmup', type=int, default=5, help='untimed steps first (default: 5)')
    parser.add_argument('--iters', type=int, default=20, help='timed steps (default: 20)')
    parser.add_argument('--devices', type=int, default=SCHEDULE_GPUS,
                        help=f'devices of the schedule estimate (default: {SCHEDULE_GPUS})')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of every config, e.g. model.train_cfg.rcnn.sampler.num=256')
    parser.add_argument('--out', type=Path, help='also write the table to this Markdown file')
    args = parser.parse_args()
    if args.iters < 1 or args.warmup < 0 or args.batch_size < 1 or args.devices < 1:
        parser.error('--iters, --batch-size and --devices must be >= 1 and --warmup >= 0')
    if args.out is not None:
        try:
            check_writable_file(args.out, '--out')
        except OutputPathError as error:
            parser.error(str(error))
    return args


def main() -> None:
    args = parse_args()
    device = torch.device(args.device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('error: --device cuda but torch sees no CUDA GPU; use --device cpu '
                         '(and run `make doctor` to see why)')
    configs = args.configs or discover_configs(ROOT)
    missing = [str(config) for config in configs if not config.is_file()]
    if missing:
        raise SystemExit(f'error: config file(s) not found: {", ".join(missing)}')
    rows = measure_configs(configs, device, AMP_MODES[args.amp], args.batch_size, args.warmup, args.iters,
                           args.cfg_options)
    table = format_table(rows, device, args.warmup, args.iters, args.devices)
    print(table)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table + '\n')


if __name__ == '__main__':
    main()
