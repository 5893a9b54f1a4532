"""Measure latency of the paper's models over input resolutions and runtimes; write a table and plots.

Classification networks (ShuffleNet 0.5x/1x/2x g=3, MobileNet v1 1.0, AlexNet) run at the paper's Table 8
inputs, detectors (the project's Faster R-CNNs and torchvision's MobileNetV3 ones) at scales 300 and 600 on
4:3 images, each in PyTorch eager and in ONNX Runtime, all in one process. Writes ``sweep.csv``,
``sweep.md`` (with the paper's numbers and ratios beside ours), ``machine.json`` and two PNG plots.

Examples:
    python tools/sweep.py --quick                       # a small subset, under 2 minutes on 2 cores
    python tools/sweep.py                               # the full grid, 1 thread
    python tools/sweep.py --models shufflenet-1x alexnet --sizes 224x224 --runs 30 --threads 4
    python tools/sweep.py --breakdown frcnn-shufflenet-1x --breakdown-input 300
"""

import argparse
import sys
from pathlib import Path

from rich.console import Console

from shufflenet_det.benchmark.zoo import DETECTOR_SCALES, MODELS, TABLE8_SIZES

QUICK_MODELS = ['shufflenet-0.5x', 'shufflenet-1x', 'mobilenet-1.0', 'alexnet', 'frcnn-shufflenet-1x']
QUICK_SIZES = ['224x224']
QUICK_SCALES = [300]
QUICK_RUNS, QUICK_WARMUP = 3, 1
FULL_RUNS, FULL_WARMUP = 10, 2


def parse_size(text: str) -> tuple[int, int]:
    """``HxW`` -> (H, W)."""
    try:
        height, width = (int(side) for side in text.lower().split('x'))
    except ValueError:
        raise argparse.ArgumentTypeError(f'size {text!r} is not HxW, e.g. 480x640') from None
    if height < 32 or width < 32:
        raise argparse.ArgumentTypeError(f'size {text!r} is too small: both sides must be at least 32')
    return height, width


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    keys = [spec.key for spec in MODELS]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--models', nargs='+', choices=keys, metavar='MODEL',
                        help=f'models to time (default: all; --quick: {" ".join(QUICK_MODELS)}); '
                             f'choose from {", ".join(keys)}')
    parser.add_argument('--sizes', nargs='+', type=parse_size, metavar='HxW',
                        help='classifier inputs (default: 224x224 480x640 720x1280, the paper\'s Table 8)')
    parser.add_argument('--scales', nargs='+', type=int, choices=DETECTOR_SCALES,
                        help='detector input scales, the shorter image side (default: 300 600)')
    parser.add_argument('--runtimes', nargs='+', choices=['torch', 'onnx'], default=['torch', 'onnx'],
                        help='PyTorch eager and/or the exported model in ONNX Runtime (default: both)')
    parser.add_argument('--threads', type=int, default=1, help='threads per runtime (default 1, the paper\'s)')
    parser.add_argument('--runs', type=int, help=f'timed runs per row (default {FULL_RUNS}; --quick {QUICK_RUNS})')
    parser.add_argument('--warmup', type=int,
                        help=f'untimed runs before timing (default {FULL_WARMUP}; --quick {QUICK_WARMUP})')
    parser.add_argument('--quick', action='store_true',
                        help='a small subset with few runs (classifiers at 224x224, one detector at 300)')
    parser.add_argument('--tolerance', type=float, default=0.25,
                        help='a paper ratio holds when ours is within this fraction of it (default 0.25)')
    parser.add_argument('--out', type=Path, default=Path('work_dirs/sweep'), help='output folder')
    parser.add_argument('--breakdown', choices=keys, metavar='MODEL',
                        help='instead of the sweep, split one model\'s time by operation and by part')
    parser.add_argument('--breakdown-input', default=None,
                        help='input of --breakdown: HxW for a classifier (default 224x224), a scale for a '
                             'detector (default 600)')
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error('--threads must be at least 1')
    runs_default, warmup_default = (QUICK_RUNS, QUICK_WARMUP) if args.quick else (FULL_RUNS, FULL_WARMUP)
    args.runs = runs_default if args.runs is None else args.runs
    args.warmup = warmup_default if args.warmup is None else args.warmup
    if args.runs < 1 or args.warmup < 0:
        parser.error('--runs must be at least 1 and --warmup at least 0')
    args.models = args.models or (QUICK_MODELS if args.quick else keys)
    args.sizes = args.sizes or ([parse_size(s) for s in QUICK_SIZES] if args.quick else list(TABLE8_SIZES))
    args.scales = args.scales or (QUICK_SCALES if args.quick else list(DETECTOR_SCALES))
    return args


def breakdown_setting(key: str, text: str | None):
    """The :class:`Setting` of ``--breakdown`` and ``--breakdown-input``."""
    from shufflenet_det.benchmark.zoo import CLASSIFIER, Setting, find_models

    spec = find_models([key])[0]
    if spec.kind == CLASSIFIER:
        return Setting(spec, size=parse_size(text or '224x224'))
    if text is not None and (not text.isdigit() or int(text) not in DETECTOR_SCALES):
        raise SystemExit(f'error: --breakdown-input for a detector is a scale, one of {DETECTOR_SCALES}; got {text}')
    return Setting(spec, scale=int(text or 600))


def run_breakdown(args: argparse.Namespace, console: Console, machine) -> None:
    """Profile one model in each requested runtime; print and save the tables."""
    import torch

    from shufflenet_det.benchmark.breakdown import breakdown_markdown
    from shufflenet_det.benchmark.breakdown_onnx import onnx_breakdown
    from shufflenet_det.benchmark.breakdown_torch import torch_breakdown
    from shufflenet_det.benchmark.quiet import quiet_build
    from shufflenet_det.benchmark.zoo import build_case

    setting = breakdown_setting(args.breakdown, args.breakdown_input)
    torch.set_num_threads(args.threads)
    with console.status(f'building {setting.label}'), quiet_build():
        case = build_case(setting)
    sections = []
    for runtime in args.runtimes:
        with console.status(f'profiling {setting.label} in {runtime}'):
            if runtime == 'torch':
                result = torch_breakdown(case.model, case.torch_run, case.kind, case.name, case.input_label,
                                         args.warmup, args.runs)
            else:
                with quiet_build():
                    path = case.export_onnx(args.out / 'onnx')
                result = onnx_breakdown(path, case.onnx_feed, args.threads, case.kind, case.name, case.input_label,
                                        args.warmup, args.runs, args.out / 'onnx' / 'profiles')
        sections.append(breakdown_markdown(result, machine.label))
    text = '\n\n'.join(sections) + '\n'
    path = args.out / f'breakdown_{case.key}_{case.scale or case.input_label}.md'
    path.write_text(machine.markdown() + '\n\n' + text)
    print(text)
    print(f'written: {path}')


def run_full_sweep(args: argparse.Namespace, console: Console, machine) -> None:
    """Time every model x input x runtime; write CSV, Markdown, machine JSON and plots."""
    from shufflenet_det.benchmark.plots import plot_latency_vs_mult_adds, plot_latency_vs_resolution
    from shufflenet_det.benchmark.report import sweep_markdown, write_csv, write_machine
    from shufflenet_det.benchmark.sweep import new_progress, run_sweep
    from shufflenet_det.benchmark.zoo import find_models, plan

    settings = plan(find_models(args.models), args.sizes, args.scales)
    with new_progress() as progress:
        rows = run_sweep(settings, args.runtimes, args.threads, args.warmup, args.runs, args.out, progress)
    markdown = sweep_markdown(rows, args.runtimes, machine, args.warmup, args.runs, args.tolerance)
    outputs = [args.out / name for name in ('sweep.csv', 'sweep.md', 'machine.json', 'latency_vs_resolution.png',
                                            'latency_vs_mult_adds.png')]
    write_csv(rows, machine, outputs[0])
    outputs[1].write_text(markdown)
    write_machine(machine, outputs[2])
    plot_latency_vs_resolution(rows, machine, outputs[3])
    plot_latency_vs_mult_adds(rows, machine, outputs[4])
    print(markdown)
    print('written: ' + ', '.join(str(path) for path in outputs))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(stderr=True)
    from shufflenet_det.benchmark.machine import describe_machine

    machine = describe_machine(args.threads)
    print(machine.markdown(), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.breakdown:
        run_breakdown(args, console, machine)
    else:
        run_full_sweep(args, console, machine)
    return 0


if __name__ == '__main__':
    sys.exit(main())
