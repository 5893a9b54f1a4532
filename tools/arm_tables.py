"""Print (or write into docs/arm.md) the ARM tables generated from results/arm/: ``shufflenet_det.armcount.tables``.

Examples:
    python tools/arm_tables.py                              # print
    python tools/arm_tables.py --write docs/arm.md          # replace the tables between the markers
"""

import argparse
from pathlib import Path

from shufflenet_det.armcount.tables import arm_tables, write_into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--results', type=Path, default=Path('results/arm'), help='folder of the result files')
    parser.add_argument('--write', type=Path, help='document to write the tables into (between its markers)')
    args = parser.parse_args()
    tables = arm_tables(args.results)
    if args.write:
        write_into(args.write, tables)
        print(f'wrote the tables into {args.write}')
    else:
        print(tables)


if __name__ == '__main__':
    main()
