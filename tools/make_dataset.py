"""Write the built-in shapes detection dataset (COCO format) used by the quick configs and tests."""

import argparse
from pathlib import Path

from shufflenet_det.datasets.synthetic import (
    CLASSES,
    DEFAULT_NUM_TRAIN,
    DEFAULT_NUM_VAL,
    DEFAULT_ROOT,
    SPLITS,
    generate_dataset,
)


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
    dataset = generate_dataset(args.out, num_train=args.num_train, num_val=args.num_val, seed=args.seed)
    print(f'{"wrote" if dataset.generated else "kept"} the shapes dataset in {dataset.root.resolve()}:')
    for split in SPLITS:
        print(f'  {split}: images {dataset.img_dir(split)}/, annotations {dataset.ann_file(split)}')
    print(f'  classes: {", ".join(CLASSES)}')


if __name__ == '__main__':
    main()
