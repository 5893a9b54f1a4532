"""Check that this environment can train the detectors: versions, CUDA, mmcv's compiled ops run on each device.

Prints one line per check and what to do for each problem found; exits with status 1 when there is one.

Examples:
    python tools/check_env.py                  # any machine (make doctor)
    python tools/check_env.py --require-cuda   # a GPU machine: no usable GPU is a problem too
"""

import argparse
import sys

from shufflenet_det.cli.doctor import format_report, run_checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--require-cuda', action='store_true',
                        help='count a machine without a usable CUDA GPU as a problem')
    checks = run_checks(require_cuda=parser.parse_args().require_cuda)
    print(format_report(checks))
    sys.exit(0 if all(check.ok for check in checks) else 1)


if __name__ == '__main__':
    main()
