"""Regenerate every published table and figure from the result files under results/.

Each table in README.md and docs/*.md sits between ``<!-- table: results/<file>.json [view=...] -->`` and
``<!-- end table -->``; this rewrites what is between them from the file. Each figure is an image line ending in
``<!-- figure: results/<file>.json -->``; this draws the PNG from the file. With ``--check`` it changes nothing
and exits with status 1 when a committed table differs from what its file makes or a figure is missing. Result
files the documents do not name are listed, so none is forgotten.
    python tools/make_tables.py            # rewrite the tables
    python tools/make_tables.py --check    # fail on a stale table
"""

import argparse
import sys
from pathlib import Path

from shufflenet_det.core.errors import ShufflenetDetError
from shufflenet_det.results.doc_tables import (
    missing_figures,
    result_files_in_use,
    stale_documents,
    update_documents,
)

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true', help='change nothing; fail if a table is stale')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    args = parser.parse_args()
    try:
        if args.check:
            stale = stale_documents(ROOT)
            missing = missing_figures(ROOT)
            for path in stale:
                print(f'stale: {path.relative_to(ROOT)} (run python tools/make_tables.py)')
            for path in missing:
                print(f'missing figure: {path.relative_to(ROOT)} (run python tools/make_tables.py)')
            return 1 if stale or missing else 0
        for path in update_documents(ROOT):
            print(f'rewrote {path.relative_to(ROOT)}')
        unused = sorted(set((ROOT / 'results').rglob('*.json')) - result_files_in_use(ROOT))
        for path in unused:
            print(f'note: no document shows {path.relative_to(ROOT)}')
    except ShufflenetDetError as error:
        if args.debug:
            raise
        print(f'error: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
