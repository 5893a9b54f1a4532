"""Print the ShuffleNet paper's Table 7 (COCO mAP of Faster R-CNN at scales 300 and 600) beside our results.

Each row is one of our detector configs at both scales; its results are read from the work dir tools/train.py
and tools/test.py give it (work_dirs/<config name>/): the newest tools/test.py evaluation
(<timestamp>/<timestamp>.json), else the last validation during training (<timestamp>/vis_data/scalars.json).
Rows without results say "not run"; results from before the last epoch of the schedule are starred. Below the
table, every number is traced to its file, the checkpoint and the annotations it was evaluated on.

Example:
    python tools/report.py                      # reads work_dirs/
    python tools/report.py --work-dirs /shared/work_dirs
"""

import argparse
from pathlib import Path

from shufflenet_det.results.table7 import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dirs', default='work_dirs', help='folder holding one work dir per config')
    args = parser.parse_args()
    print(report(Path(args.work_dirs)))


if __name__ == '__main__':
    main()
