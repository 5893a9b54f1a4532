"""Measure latency of the paper's models over input resolutions and runtimes; write a table and plots.

Classification networks (ShuffleNet 0.5x/1x/2x g=3, MobileNet v1 1.0, AlexNet) run at the paper's Table 8
inputs, detectors (the project's Faster R-CNNs and torchvision's MobileNetV3 ones) at scales 300 and 600 on
4:3 images, each in PyTorch eager and in ONNX Runtime, all in one process. Writes ``results.json`` (a result
file: copy it under results/ and run tools/make_tables.py to publish it), ``sweep.csv``, ``sweep.md`` (with the
paper's numbers and ratios beside ours), ``machine.json`` and two PNG plots.

Examples:
    python tools/sweep.py --quick                       # a small subset, under 2 minutes on 2 cores
    python tools/sweep.py                               # the full grid, 1 thread
    python tools/sweep.py --models shufflenet-1x alexnet --sizes 224x224 --runs 30 --threads 4
    python tools/sweep.py --breakdown frcnn-shufflenet-1x --breakdown-input 300
    python tools/sweep.py --runtimes onnx mnn ncnn --arm-count         # + aarch64 instructions (emulated)
"""

import argparse
import sys
from pathlib import Path

from shufflenet_det.benchmark.zoo import MODELS, TABLE8_SIZES
from shufflenet_det.core.errors import OutputPathError
from shufflenet_det.core.output_paths import check_writable_folder
from shufflenet_det.core.project_configs import SCALES
from shufflenet_det.deploy.arguments import parse_size

QUICK_MODELS = ['shufflenet-0.5x', 'shufflenet-1x', 'mobilenet-1.0', 'alexnet', 'frcnn-shufflenet-1x']
QUICK_SIZES = [(224, 224)]
QUICK_SCALES = [300]
QUICK_RUNS, QUICK_WARMUP = 3, 1
FULL_RUNS, FULL_WARMUP = 10, 2
#: Default ratio denominators of the result file, first one swept wins: the mobile detector peer, the paper's.
DEFAULT_REFERENCES = ('tv-frcnn-mnv3-320-fpn', 'mobilenet-1.0')
#: Smallest classifier input side (the networks downsample by 32).
MIN_SIDE = 32


def classifier_size(text: str) -> tuple[int, int]:
    """``HxW`` with both sides at least :data:`MIN_SIDE` (argparse type)."""
    return parse_size(text, min_side=MIN_SIDE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    keys = [model.key for model in MODELS]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--models', nargs='+', choices=keys, metavar='MODEL',
                        help=f'models to time (default: all; --quick: {" ".join(QUICK_MODELS)}); '
                             f'choose from {", ".join(keys)}')
    parser.add_argument('--sizes', nargs='+', type=classifier_size, metavar='HxW',
                        help='classifier inputs (default: 224x224 480x640 720x1280, the paper\'s Table 8)')
    parser.add_argument('--scales', nargs='+', type=int, choices=SCALES,
                        help='detector input scales, the shorter image side (default: 300 600)')
    parser.add_argument('--runtimes', nargs='+', choices=['torch', 'onnx', 'mnn', 'ncnn'], default=['torch', 'onnx'],
                        help='PyTorch eager and/or the exported model in ONNX Runtime, MNN, ncnn (default: torch '
                             'onnx; mnn and ncnn need the [arm] extra)')
    parser.add_argument('--arm-count', action='store_true',
                        help='also count aarch64 instructions per inference of every exported row under emulation '
                             '(tools/arm_count.py; slow: minutes per row; counts kept in OUT/arm_counts.json and '
                             'reused when the sweep is run again)')
    parser.add_argument('--arm-cpu', default='cortex-a72', help='emulated CPU of --arm-count (default cortex-a72)')
    parser.add_argument('--threads', type=int, default=1, help='threads per runtime (default 1, the paper\'s)')
    parser.add_argument('--runs', type=int, help=f'timed runs per row (default {FULL_RUNS}; --quick {QUICK_RUNS})')
    parser.add_argument('--warmup', type=int,
                        help=f'untimed runs before timing (default {FULL_WARMUP}; --quick {QUICK_WARMUP})')
    parser.add_argument('--quick', action='store_true',
                        help='a small subset with few runs (classifiers at 224x224, one detector at 300)')
    parser.add_argument('--tolerance', type=float, default=0.25,
                        help='a paper ratio holds when ours is within this fraction of it (default 0.25)')
    parser.add_argument('--out', type=Path, default=Path('work_dirs/sweep'), help='output folder')
    parser.add_argument('--reference', choices=keys, metavar='MODEL',
                        help="the model the result file's ratios are taken to, per runtime and input (default: "
                             f"{' or '.join(DEFAULT_REFERENCES)}, the first of them swept, else the first model)")
    parser.add_argument('--breakdown', choices=keys, metavar='MODEL',
                        help='instead of the sweep, split one model\'s time by operation and by part')
    parser.add_argument('--breakdown-input', default=None,
                        help='input of --breakdown: HxW for a classifier (default 224x224), a scale for a '
                             'detector (default 600)')
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error('--threads must be at least 1')
    if args.arm_count:
        from shufflenet_det.armcount.cpu_models import CpuModelError, check_cpu_model

        try:
            check_cpu_model(args.arm_cpu)
        except CpuModelError as error:
            parser.error(str(error))
    runs_default, warmup_default = (QUICK_RUNS, QUICK_WARMUP) if args.quick else (FULL_RUNS, FULL_WARMUP)
    args.runs = runs_default if args.runs is None else args.runs
    args.warmup = warmup_default if args.warmup is None else args.warmup
    if args.runs < 1 or args.warmup < 0:
        parser.error('--runs must be at least 1 and --warmup at least 0')
    try:
        check_writable_folder(args.out, '--out')
    except OutputPathError as error:
        parser.error(str(error))
    args.models = args.models or (QUICK_MODELS if args.quick else keys)
    args.sizes = args.sizes or (QUICK_SIZES if args.quick else list(TABLE8_SIZES))
    args.scales = args.scales or (QUICK_SCALES if args.quick else list(SCALES))
    args.reference = args.reference or next((key for key in DEFAULT_REFERENCES if key in args.models),
                                            args.models[0])
    if args.reference not in args.models:
        parser.error(f'--reference {args.reference} is not among the swept --models; add it to them')
    if args.breakdown:
        from shufflenet_det.benchmark.breakdown.run import breakdown_setting

        try:
            args.breakdown = breakdown_setting(args.breakdown, args.breakdown_input)
        except (ValueError, argparse.ArgumentTypeError) as error:
            parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.breakdown:
        from shufflenet_det.benchmark.breakdown.run import profile_model

        profile_model(args.breakdown, args.runtimes, args.threads, args.warmup, args.runs, args.out)
    else:
        from shufflenet_det.benchmark.sweep import sweep_and_report
        from shufflenet_det.benchmark.zoo import find_models, plan

        sweep_and_report(plan(find_models(args.models), args.sizes, args.scales), args.runtimes, args.threads,
                         args.warmup, args.runs, args.out, args.tolerance, args.arm_cpu if args.arm_count else None,
                         args.reference)
    return 0


if __name__ == '__main__':
    sys.exit(main())
