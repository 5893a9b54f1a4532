"""Convert a published ImageNet checkpoint into this project's backbone weights.

Sources (where to get each file: docs/reproduce.md):
    megvii      Megvii ShuffleNet-Series ShuffleNet v1, 0.5x/1x/1.5x/2x, g=3 or 8 (BGR 0-255 input)
    mmpretrain  mmpretrain ShuffleNet v1 1x, e.g. shufflenet_v1_batch1024_imagenet_20200804-5d6cec73.pth
    timm        timm mobilenetv1_100 / mobilenetv1_125 (pytorch_model.bin or model.safetensors)

The architecture is recognised from the tensors. The result goes to checkpoints/<architecture>.pth (the names the
paper's configs, configs/frcnn_*.py, use) as {'meta', 'state_dict'} in ClassificationNet's layout (backbone.*, fc.*),
and the backbone and data_preprocessor settings it needs are printed.

Examples:
    python tools/convert_checkpoint.py megvii ~/Downloads/<Megvii ShuffleNetV1 2.0x group3 file>
    python tools/convert_checkpoint.py timm ~/Downloads/pytorch_model.bin
"""

import argparse
from pathlib import Path

from shufflenet_det.checkpoints import SOURCES, CheckpointMismatchError, ConvertedCheckpoint, convert_file
from shufflenet_det.core.output_paths import check_writable_file, check_writable_folder, write_error_message


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('source', choices=sorted(SOURCES), help='who published the checkpoint')
    parser.add_argument('checkpoint', help='the downloaded checkpoint file')
    parser.add_argument('--out-dir', default='checkpoints', help='folder for the converted file (default: %(default)s)')
    parser.add_argument('--out', help='exact output path instead of <out-dir>/<architecture>.pth')
    return parser.parse_args()


def as_config(value: object) -> str:
    """Write ``value`` as in an MMEngine config: ``dict(key=value, ...)``."""
    if isinstance(value, dict):
        return 'dict(' + ', '.join(f'{key}={as_config(item)}' for key, item in value.items()) + ')'
    return repr(value)


def usage(converted: ConvertedCheckpoint, path: Path) -> str:
    """The config lines that load ``converted`` from ``path`` into a detector's backbone (and its per-RoI stage)."""
    init_cfg = dict(type='Pretrained', checkpoint=str(path), prefix='backbone.')
    return '\n'.join([
        f'Use it in a detector config (configs/frcnn_*.py are the paper\'s models and inherit the input format from '
        f'configs/_base_/pretrained/{converted.source}.py):',
        f'    model = dict(data_preprocessor={as_config(converted.input_format)},',
        f'                 backbone={as_config({**converted.backbone, "init_cfg": init_cfg})})'])


def main() -> None:
    args = parse_args()
    try:
        if args.out:
            check_writable_file(args.out, '--out')
        else:
            check_writable_folder(args.out_dir, '--out-dir')
        print(f'reading {args.checkpoint} as {SOURCES[args.source].title}', flush=True)
        converted = convert_file(args.source, args.checkpoint)
        out = Path(args.out) if args.out else check_writable_file(
            Path(args.out_dir) / f'{converted.architecture.name}.pth', '--out-dir')
        out.parent.mkdir(parents=True, exist_ok=True)
        converted.save(str(out))
    except (CheckpointMismatchError, FileNotFoundError, ImportError, ValueError) as error:
        raise SystemExit(f'error: {error}') from None
    except OSError as error:
        if write_error_message(error) is None:
            raise
        raise SystemExit(f'error: {write_error_message(error)}') from None
    print(f'{SOURCES[args.source].title} {converted.architecture.title}: {len(converted.state_dict)} tensors '
          f'-> {out}\n')
    print(usage(converted, out))


if __name__ == '__main__':
    main()
