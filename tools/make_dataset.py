"""Write the built-in shapes detection dataset (COCO format) used by the quick configs and tests."""

import argparse
import json
from pathlib import Path

from shufflenet_det.core.errors import OutputPathError
from shufflenet_det.core.output_paths import check_writable_folder
from shufflenet_det.datasets.synthetic import (
    CLASSES,
    DEFAULT_NUM_TRAIN,
    DEFAULT_NUM_VAL,
    DEFAULT_ROOT,
    SPLITS,
    generate_dataset,
)

#: Left in a folder this tool writes into, so that a later run (after an interruption, say) knows it as its own.
OWN_FOLDER_MARKER = '.shapes_dataset'


def claim_folder(out: Path) -> None:
    """Check that ``out`` is new, empty or a shapes dataset this tool wrote, and mark it as this tool's.

    Raises:
        OutputPathError: If ``out`` cannot be written, or is a non-empty folder this tool did not write (another
            dataset, whose annotation file and images would be overwritten).
    """
    check_writable_folder(out, '--out')
    if out.is_dir() and any(out.iterdir()) and not _written_here(out):
        raise OutputPathError(f'--out {out}: is a non-empty folder that tools/make_dataset.py did not write (no '
                              f'{OWN_FOLDER_MARKER} or shapes meta.json in it); writing there would overwrite its '
                              'annotations/, train/ and val/: give a new or empty folder')
    out.mkdir(parents=True, exist_ok=True)
    (out / OWN_FOLDER_MARKER).touch()


def _written_here(out: Path) -> bool:
    if (out / OWN_FOLDER_MARKER).is_file():
        return True
    try:
        return 'generator_version' in json.loads((out / 'meta.json').read_text())
    except (OSError, ValueError, TypeError):
        return False


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', type=Path, default=DEFAULT_ROOT, help='dataset root (default: %(default)s)')
    parser.add_argument('--num-train', type=int, default=DEFAULT_NUM_TRAIN,
                        help='training images (default: %(default)s)')
    parser.add_argument('--num-val', type=int, default=DEFAULT_NUM_VAL, help='validation images (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0, help='random seed (default: %(default)s)')
    return parser.parse_args()


def main() -> None:
    """Generate the dataset, or keep an existing one made with the same parameters, and say where it is."""
    args = parse_args()
    try:
        claim_folder(args.out)
        dataset = generate_dataset(args.out, num_train=args.num_train, num_val=args.num_val, seed=args.seed)
    except ValueError as error:  # OutputPathError included
        raise SystemExit(f'error: {error}') from None
    print(f'{"wrote" if dataset.generated else "kept"} the shapes dataset in {dataset.root.resolve()}:')
    for split in SPLITS:
        print(f'  {split}: images {dataset.img_dir(split)}/, annotations {dataset.ann_file(split)}')
    print(f'  classes: {", ".join(CLASSES)}')


if __name__ == '__main__':
    main()
