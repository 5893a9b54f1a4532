"""Write the ARM result files under results/arm/ from the outputs of tools/arm_count.py and tools/compare_runtimes.py.

The counts of each runtime (``--counts``, one JSON per runtime), the x86 comparison (``--x86``) and the
per-operator breakdown (``--operators``) become result files of kinds ``arm_counts`` and ``arm_operators``; every
count keeps its own command, commit and date inside. Then ``python tools/make_tables.py`` regenerates the tables
of docs/arm.md.

Example:
    python tools/arm_results.py --counts counts_ort.json counts_mnn.json counts_ncnn.json --x86 x86_runtimes.json \\
        --operators per_operator.json --cpu cortex-a72
    python tools/arm_results.py --previous results/arm/arm_counts_cortex-a72.json --counts more_counts.json
"""

import argparse
import sys
from pathlib import Path

from shufflenet_det.armcount.provenance import host_cpu
from shufflenet_det.armcount.tables import collect_counts, collect_operators
from shufflenet_det.core.errors import ShufflenetDetError
from shufflenet_det.results.result_file import read_result_file, run_provenance, write_result_file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--counts', nargs='+', type=Path, required=True, help='tools/arm_count.py --json outputs')
    parser.add_argument('--x86', type=Path, help='tools/compare_runtimes.py --json output')
    parser.add_argument('--previous', type=Path,
                        help='an earlier arm_counts result file whose rows and measurements are kept; the new counts '
                             'of a model it has are added to its repeats, new x86 timings replace its timings')
    parser.add_argument('--replace', nargs='+', default=[], metavar='STEM',
                        help='models (file stems) exported again since --previous: their earlier counts and timings '
                             'are dropped instead of joined as repeats')
    parser.add_argument('--operators', type=Path, help='tools/arm_count.py --per-operator output')
    parser.add_argument('--cpu', default='cortex-a72', help='the emulated CPU model of the counts')
    parser.add_argument('--out', type=Path, default=Path('results/arm'), help='folder of the result files')
    parser.add_argument('--debug', action='store_true', help='show the traceback of errors')
    args = parser.parse_args()
    try:
        return write_results(args)
    except ShufflenetDetError as error:
        if args.debug:
            raise
        print(f'error: {error}', file=sys.stderr)
        return 1


def write_results(args: argparse.Namespace) -> int:
    """Write the result files that ``args`` asks for."""
    previous = read_result_file(args.previous) if args.previous else None
    kept_x86 = previous and 'x86 latency' in previous['machine']  # --previous's timings stay in its rows
    same_host = args.x86 or (kept_x86 and previous['machine'].startswith(host_cpu()))
    provenance = run_provenance(f'{host_cpu()} (x86_64): aarch64 {args.cpu} emulated by qemu-user'
                                + ('; x86 latency on the same host' if same_host else
                                   f'; x86 latency kept from {args.previous}' if kept_x86 else ''))
    unknown = sorted(set(args.replace) - {row['stem'] for row in (previous or {}).get('rows', [])})
    if unknown:
        raise ShufflenetDetError(f'--replace {" ".join(unknown)}: no such model in --previous; give stems of its rows')
    rows, details = collect_counts(args.counts, args.x86, previous, args.replace)
    write_result_file(args.out / f'arm_counts_{args.cpu}.json', 'arm_counts', rows, provenance,
                      cpu=args.cpu, label=f'aarch64 instructions per inference (emulated, {args.cpu}); not a time',
                      measurements=details)
    print(f'wrote {args.out / f"arm_counts_{args.cpu}.json"} ({len(rows)} models)')
    if args.operators:
        operator_rows, counted = collect_operators(args.operators)
        write_result_file(args.out / f'arm_operators_{args.cpu}.json', 'arm_operators', operator_rows, provenance,
                          cpu=args.cpu, label=f'aarch64 instructions per inference (emulated, {args.cpu}) by operator',
                          measurements=counted)
        print(f'wrote {args.out / f"arm_operators_{args.cpu}.json"} ({len(operator_rows)} rows)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
