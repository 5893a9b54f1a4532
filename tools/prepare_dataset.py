"""Prepare an annotated dataset for training: read Pascal VOC, YOLO, CSV, LabelMe or COCO annotations, check them,
write COCO json train/val splits with the images, a summary, and a training config for a chosen detector.

Examples:
    python tools/prepare_dataset.py my_labelimg_folder --format voc --out data/parts
    python tools/prepare_dataset.py export/data.yaml --format yolo --out data/cars --scale 384
    python tools/prepare_dataset.py boxes.csv --format csv --out data/trees --val-fraction 0.1 --seed 1 \\
        --detector configs/lighthead/frcnn_lh_shufflenet_1x_300.py

Then train, evaluate and export with the config it writes (its path is printed):
    python tools/train.py data/parts/parts_shapes_frcnn_shufflenet.py
"""

import argparse
import json
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

from shufflenet_det.core.errors import ShufflenetDetError
from shufflenet_det.core.output_paths import check_writable_folder
from shufflenet_det.core.project_configs import config_root, config_scale, input_scale_for, load_config
from shufflenet_det.deploy.arguments import positive_int
from shufflenet_det.own_data.config_writer import write_config
from shufflenet_det.own_data.convert import SplitChoice, check_output_folder, convert_dataset
from shufflenet_det.own_data.readers import READERS, read_source, source_root
from shufflenet_det.own_data.summary import format_summary
from shufflenet_det.own_data.tiling import TileGrid

DEFAULT_DETECTOR = 'demo/shapes_frcnn_shufflenet.py'


def fraction(text: str) -> float:
    """A number strictly between 0 and 1, for argparse."""
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f'{text} is not between 0 and 1')
    return value


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument('source', type=Path, help='the annotated folder (for csv and coco also a single file; for '
                                                  'yolo also its data.yaml)')
    parser.add_argument('--format', required=True, choices=sorted(READERS), help='the annotation format')
    parser.add_argument('--out', type=Path, required=True, help='the folder to write the prepared dataset to')
    parser.add_argument('--split', choices=('auto', 'source', 'random'), default='auto',
                        help="auto: the source's own split when it has one, else random (default)")
    parser.add_argument('--val-fraction', type=fraction, default=0.2, help='share of images for val (default 0.2)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random split (default 0)')
    parser.add_argument('--classes', help='comma-separated class names to keep, in this order (default: all)')
    parser.add_argument('--tile', type=positive_int, metavar='SIZE',
                        help='cut images larger than SIZE pixels into SIZE x SIZE tiles (for large images with small '
                             'objects)')
    parser.add_argument('--overlap', type=float, default=0.2,
                        help='share of a tile its neighbour repeats (default 0.2)')
    parser.add_argument('--min-visible', type=float, default=0.5,
                        help='least share of a box a tile must show to hold it (default 0.5)')
    parser.add_argument('--detector', default=DEFAULT_DETECTOR,
                        help=f'detector config the written config inherits (default: configs/{DEFAULT_DETECTOR})')
    parser.add_argument('--scale', type=positive_int,
                        help="training input scale, the shorter side (default: the detector's)")
    parser.add_argument('--epochs', type=positive_int, help='training epochs (default: sized to the dataset)')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    return parser.parse_args()


def detector_path(name: str) -> Path:
    """The detector config: a path, or a path under the project's configs folder."""
    path = Path(name)
    return path if path.is_file() or not (config_root() / name).is_file() else config_root() / name


def prepare(args: argparse.Namespace) -> tuple[dict, Path]:
    """Read, check and write the dataset and its config; the summary and the config's path."""
    tiles = TileGrid(args.tile, args.overlap, args.min_visible) if args.tile is not None else None
    detector = detector_path(args.detector)
    scale = input_scale_for(args.scale) if args.scale else config_scale(load_config(detector))
    check_writable_folder(args.out, '--out')
    check_output_folder(args.out)
    source = read_source(args.source, args.format, args.out)
    description = dict(source=str(args.source.resolve()), format=args.format,
                       command=shlex.join(['python', 'tools/prepare_dataset.py', *sys.argv[1:]]),
                       date=datetime.now(timezone.utc).isoformat(timespec='seconds'))
    classes = [name.strip() for name in args.classes.split(',')] if args.classes else None
    summary = convert_dataset(source, source_root(args.source), args.out, scale,
                              SplitChoice(args.split, args.val_fraction, args.seed), classes, description, tiles)
    config = write_config(detector, args.out, summary, args.epochs)
    summary['config'] = config.name  # so that a later run into the same folder replaces it
    (args.out / 'summary.json').write_text(json.dumps(summary, indent=2) + '\n')
    return summary, config


def main() -> int:
    args = parse_args()
    try:
        summary, config = prepare(args)
    except (ShufflenetDetError, FileNotFoundError) as error:
        if args.debug:
            raise
        print(f'error: {error}', file=sys.stderr)
        return 1
    print(format_summary(summary))
    print(f'\nwrote {args.out}/annotations/{{{",".join(summary["splits"])}}}.json, {args.out}/images/ and '
          f'{args.out}/summary.json')
    print(f'config: {config}\n  python tools/train.py {config}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
