"""Per-inference aarch64 instruction counts of exported models under qemu-user emulation.

Examples:
    python tools/arm_count.py --setup                                   # once: aarch64 root + plugin, cached
    python tools/arm_count.py model.onnx --input 224x224 --cpu cortex-a72 --json counts.json
    python tools/arm_count.py a.onnx b.onnx --input image.npy --runtime mnn --json counts.json

Each model runs under ``qemu-aarch64`` with a counting plugin: one warm-up inference, then three, with the
count marked after each; (count after the third - count after the first) / 2 is one inference. ``--repeats 2``
(the default) counts in two processes and checks that both agree within 1e-5. The numbers are aarch64
instructions of an emulated CPU model, not times: they ignore memory, cache and pipeline effects. MNN and ncnn
count their own converted files (written to ``--converted``). ONNX Runtime, MNN and ncnn run with one thread
(the counter's sum is exact for one thread).
"""

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ShufflenetDetError
from ..deploy.backends import RUNTIMES
from ..deploy.conversion import convert
from .counter import ArmCounter
from .counts import REPEAT_TOLERANCE, ModelCount
from .cpu_models import CPU_MODELS, DEFAULT_CPU
from .inputs import count_input
from .root import setup

if TYPE_CHECKING:
    import numpy as np


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='tools/arm_count.py', description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('models', nargs='*', metavar='MODEL', help='exported .onnx models')
    parser.add_argument('--input', help='HxW, or a .npy: float32 (1, 3, H, W) tensor or (H, W, 3) uint8 RGB image '
                                        '(detectors: resized to their scale as the device runner does)')
    parser.add_argument('--cpu', default=DEFAULT_CPU, help=f'qemu CPU model: {" or ".join(CPU_MODELS)} '
                                                           f'(default {DEFAULT_CPU}; max is refused)')
    parser.add_argument('--runtime', choices=list(RUNTIMES), default='onnxruntime',
                        help='runtime to count (default onnxruntime; mnn and ncnn convert the ONNX model first)')
    parser.add_argument('--json', type=Path, help='write {model path: count} here (merged into an existing file)')
    parser.add_argument('--repeats', type=int, default=2,
                        help=f'counts per model; from 2 on, they must agree within {REPEAT_TOLERANCE:g} (default 2)')
    parser.add_argument('--warmup', type=int, default=1, help='uncounted inferences per process (default 1)')
    parser.add_argument('--converted', type=Path, default=Path('work_dirs/arm_count/converted'),
                        help='folder for the MNN and ncnn conversions (default work_dirs/arm_count/converted)')
    parser.add_argument('--resume', action='store_true',
                        help='skip models the --json file already counts with the same CPU, runtime and input')
    parser.add_argument('--per-operator', type=Path, metavar='OUT.json',
                        help='ONNX Runtime only: also cut each model into one-node segments and count each '
                             '(instructions per operator type); written to OUT.json')
    parser.add_argument('--setup', action='store_true', help='only build the aarch64 root and the plugin')
    parser.add_argument('--debug', action='store_true', help='show the traceback of errors')
    args = parser.parse_args(argv)
    if not args.setup and (not args.models or not args.input or not args.json):
        parser.error('MODEL, --input and --json are required (or --setup alone)')
    if args.repeats < 1 or args.warmup < 0:
        parser.error('--repeats must be at least 1 and --warmup at least 0')
    return args


def count_models(args: argparse.Namespace) -> list[ModelCount]:
    """Count every model of ``args``; each result is written as soon as it is known."""
    counter = ArmCounter(args.cpu, args.json, args.repeats, args.warmup, args.resume,
                         progress=lambda line: print(line, flush=True))
    results = []
    for index, model in enumerate(args.models, 1):
        model = Path(model)
        if not model.is_file():
            raise FileNotFoundError(f'model {model} not found (export one with tools/export.py)')
        counted_input = count_input(model, args.input)
        loaded = convert(model, args.runtime, args.converted, tuple(counted_input.tensor.shape))
        print(f'[{index}/{len(args.models)}] {loaded} ({args.runtime}, {counter.cpu}, input '
              f'{"x".join(map(str, counted_input.tensor.shape))}, {counted_input.source})', flush=True)
        result = counter.count(loaded, args.runtime, counted_input.tensor, counted_input.source)
        verdict = ('repeats agree' if result.repeatable else
                   f'NOT REPEATABLE: repeats {result.per_inference_repeats} differ by more than {REPEAT_TOLERANCE:g}')
        print(f'  = {result.instructions_per_inference:,} {result.label} per inference '
              f'({args.runtime} {result.runtime_version}; '
              f'{verdict if len(result.per_inference_repeats) > 1 else "not repeated"})', flush=True)
        results.append(result)
        if args.per_operator:
            count_operators(counter, model, counted_input.tensor, result, args.per_operator)
    return results


def count_operators(counter: ArmCounter, model: Path, tensor: 'np.ndarray', whole: ModelCount, out: Path) -> None:
    """Count ``model`` cut into one-node segments in one emulated process; add the breakdown to ``out``."""
    import json

    from .emulator import guest_run
    from .segments import operator_breakdown, split_model

    folder = counter.root / 'opt/shufflenet-det/work/segments' / model.stem
    manifest = split_model(model, tensor, folder)
    print(f'  per operator: {len(json.loads(manifest.read_text())["segments"])} segments', flush=True)
    guest_manifest = '/' + str(manifest.relative_to(counter.root))
    run = guest_run(counter.root, counter.plugin, counter.cpu, ['--segments', guest_manifest, '--warmup', '1'],
                    f'segments of {model}')
    breakdown = operator_breakdown(manifest, run.marks)
    breakdown |= {'whole_model_instructions': whole.instructions_per_inference, 'cpu': counter.cpu,
                  'runtime': 'onnxruntime', 'runtime_version': run.runtime_version, 'provenance': whole.provenance}
    print(f'  per operator: segments sum to {breakdown["total"]:,} instructions, whole model '
          f'{whole.instructions_per_inference:,}', flush=True)
    existing = json.loads(out.read_text()) if out.is_file() else {}
    existing[str(model)] = breakdown
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(existing, indent=1) + '\n')


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.setup:
            root, plugin = setup()
            print(f'aarch64 root {root}\ncounting plugin {plugin}')
            return 0
        results = count_models(args)
    except (ShufflenetDetError, FileNotFoundError) as error:
        if args.debug:
            traceback.print_exc()
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(f'written: {args.json}')
    return 0 if all(result.repeatable for result in results) else 1
