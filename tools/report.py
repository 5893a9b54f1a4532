"""Print the ShuffleNet paper's Table 7 (COCO mAP of Faster R-CNN at scales 300 and 600) beside our results.

Each row is one of our detector configs at both scales; its results are read from the work dir tools/train.py
and tools/test.py give it (work_dirs/<config name>/): the newest tools/test.py evaluation
(<timestamp>/<timestamp>.json), else the last validation during training (<timestamp>/vis_data/scalars.json).
Rows without results say "not run"; results from before the last epoch of the schedule are starred. Below the
table, every number is traced to its file, the checkpoint and the annotations it was evaluated on.

Example:
    python tools/report.py                      # reads work_dirs/
    python tools/report.py --work-dirs /shared/work_dirs
    python tools/report.py --json results/coco/table7.json   # also the result file docs/results.md shows
"""

import argparse
from pathlib import Path

from shufflenet_det.core.errors import OutputPathError
from shufflenet_det.core.output_paths import check_writable_file
from shufflenet_det.deploy.machine import describe_machine
from shufflenet_det.results.result_file import run_provenance, write_result_file
from shufflenet_det.results.table7 import find_results, report, result_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dirs', default='work_dirs', help='folder holding one work dir per config')
    parser.add_argument('--json', metavar='FILE', type=Path,
                        help='also write our results as a result file (machine, command, commit, date; a row per '
                             'config and scale with its mAP and where it comes from); put it under results/coco/ '
                             'and run tools/make_tables.py to publish it')
    args = parser.parse_args()
    if args.json:
        try:
            check_writable_file(args.json, '--json')
        except OutputPathError as error:
            raise SystemExit(f'error: {error}') from None
    print(report(Path(args.work_dirs)))
    if args.json:
        rows = [result_row(name, scale, result) for name, scale, result in find_results(Path(args.work_dirs))]
        write_result_file(args.json, 'coco_table7', rows, run_provenance(describe_machine(threads=1).label))
        print(f'results written to {args.json}')


if __name__ == '__main__':
    main()
