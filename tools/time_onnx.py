"""Time exported detectors against each other in one process (interleaved rounds), with the GEMM rate.

Every model runs on the same 4:3 built-in shapes image at ``--scale``; the first model is the baseline of the
ratios. Prints a table; ``--json`` writes a result file of kind ``onnx_ab`` (machine, command, commit, date and
per-round medians; copy it under results/ and run tools/make_tables.py to publish it).

Examples:
    python tools/time_onnx.py before=old/lh_300.onnx after=new/lh_300.onnx --scale 300 --json ab_300.json
    python tools/time_onnx.py a=a.onnx b=b.onnx --scale 600 --rounds 9 --runs 10 --breakdown-runs 12
"""

import argparse
import sys
from pathlib import Path

from shufflenet_det.benchmark.onnx_ab import NamedModel, compare_models
from shufflenet_det.core.markdown import markdown_table
from shufflenet_det.core.project_configs import SCALES
from shufflenet_det.deploy.machine import describe_machine
from shufflenet_det.results.result_file import run_provenance, write_result_file

#: Where ONNX Runtime writes the profiles of ``--breakdown-runs``.
PROFILE_DIR = Path('work_dirs/time_onnx/profiles')


def named_model(text: str) -> NamedModel:
    try:
        return NamedModel.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('models', nargs='+', type=named_model, metavar='NAME=PATH.onnx')
    parser.add_argument('--scale', type=int, choices=SCALES, required=True, help='input scale (shorter side)')
    parser.add_argument('--threads', type=int, default=1, help='ONNX Runtime intra-op threads (default 1)')
    parser.add_argument('--rounds', type=int, default=7, help='interleaved rounds (default 7)')
    parser.add_argument('--runs', type=int, default=10, help='timed runs per model and round (default 10)')
    parser.add_argument('--warmup', type=int, default=2, help='untimed runs per model and round (default 2)')
    parser.add_argument('--breakdown-runs', type=int, default=0,
                        help='profiled runs per model for the network / glue / overhead split (default 0: none)')
    parser.add_argument('--json', type=Path, help='write the result file here')
    args = parser.parse_args()
    if min(args.threads, args.rounds, args.runs) < 1 or args.warmup < 0 or args.breakdown_runs < 0:
        parser.error('--threads, --rounds and --runs must be at least 1, --warmup and --breakdown-runs at least 0')
    return args


def main() -> int:
    args = parse_args()
    machine = describe_machine(args.threads)
    provenance = run_provenance(machine.label)  # the code and time the run started with
    result = compare_models(args.models, args.scale, args.threads, args.rounds, args.warmup, args.runs,
                            args.breakdown_runs, PROFILE_DIR)
    rates = [rate['gmacs_per_s'] for rate in result['gemm_rate']]
    print(f'{machine.label}; input {result["input"]}, {args.threads} thread(s), {args.rounds} rounds of '
          f'{args.runs} runs; fp32 GEMM rate {rates[0]:.1f} / {rates[1]:.1f} GMAC/s (before / after the rounds)')
    rows = [[model['name'], model['nodes'], model['detections'], model['median_ms'],
             f'{model["ratio_to_first"]:.3f} ({model["ratio_range"][0]:.3f}-{model["ratio_range"][1]:.3f})',
             f'{100 * model["glue_share"]:.1f} %' if 'glue_share' in model else None]
            for model in result['models']]
    print(markdown_table(['model', 'nodes', 'detections', 'median ms', 'ratio to first (range over rounds)',
                          'glue share'], rows))
    if args.json:
        models = result.pop('models')
        write_result_file(args.json, 'onnx_ab', models, provenance, **result, machine_details=machine.to_dict())
        print(f'written: {args.json}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
