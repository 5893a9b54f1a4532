"""Table 7 in miniature: backbones x input scales on the built-in shapes dataset, accuracy beside ONNX latency.

Trains every detector config (default: the pairs in ``DEFAULT_CONFIGS`` of shufflenet_det/shapes/grid.py) at
its own input scale and at twice it with the same schedule, evaluates each in PyTorch and as an exported ONNX
model, counts mult-adds and parameters and times the ONNX model with one ONNX Runtime thread. Writes
results.json (the result file: copy it under results/grid/ and run tools/make_tables.py to publish it),
compare.md, compare.csv and accuracy_vs_latency.png to --out. Finished cells are reused on a rerun and an
interrupted training resumes from its last checkpoint. Latency is measured at the end, for all cells in one
pass, so cells can be trained by two processes at once (one thread each) and timed by a third run:
    OMP_NUM_THREADS=1 python tools/compare.py --configs A.py B.py &
    OMP_NUM_THREADS=1 python tools/compare.py --configs C.py D.py; wait
    python tools/compare.py --configs A.py B.py C.py D.py          # reuses the four trained cells, times them

Examples:
    python tools/compare.py                                   # the full grid, into work_dirs/compare
    python tools/compare.py --quick                           # a tiny grid in under a minute (a smoke test)
    python tools/compare.py --configs configs/demo/shapes_frcnn_shufflenet.py --factors 1 2 3
    python tools/compare.py --configs configs/demo/shapes_frcnn_lh_*.py --out work_dirs/compare_lh
"""

import argparse
from pathlib import Path

from shufflenet_det.cli.run_setup import reported_errors
from shufflenet_det.core.output_paths import check_writable_folder
from shufflenet_det.shapes.grid import (
    DEFAULT_CONFIGS,
    GRID_EPOCHS,
    QUICK_CONFIGS,
    QUICK_DATA_ROOT,
    QUICK_DATASET,
    QUICK_EPOCHS,
    run_grid,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--configs', nargs='+', default=list(DEFAULT_CONFIGS),
                        help='detector configs on the shapes dataset (default: %(default)s)')
    parser.add_argument('--factors', nargs='+', type=int, default=[1, 2],
                        help="input scales as multiples of each config's own (default: 1 2)")
    parser.add_argument('--epochs', type=int,
                        help=f'training epochs of every cell (default: {GRID_EPOCHS}, {QUICK_EPOCHS} with --quick)')
    parser.add_argument('--out', type=Path, help='output folder (default: work_dirs/compare, or '
                                                 'work_dirs/compare_quick with --quick)')
    parser.add_argument('--quick', action='store_true',
                        help=f'a tiny grid: {len(QUICK_CONFIGS)} detectors, a few images, {QUICK_EPOCHS} short epochs '
                             '(checks the pipeline only)')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    args = parser.parse_args()
    with reported_errors(args.debug):
        out = check_writable_folder(args.out or Path('work_dirs/compare_quick' if args.quick else 'work_dirs/compare'),
                                  '--out')
        if args.quick:
            run_grid(QUICK_CONFIGS, args.factors, out, QUICK_DATA_ROOT, dataset_size=QUICK_DATASET,
                     epochs=args.epochs or QUICK_EPOCHS)
        else:
            run_grid(args.configs, args.factors, out, Path('data/shapes'), epochs=args.epochs or GRID_EPOCHS)


if __name__ == '__main__':
    main()
