"""Train and compare a ShuffleNet and a MobileNet Faster R-CNN on the built-in shapes dataset.

Generates the dataset (data/shapes), trains both detectors of configs/demo/ with MMEngine's runner (validating at
75 % and 100 % of the schedule), prints their COCO mAP (with AP by object size), mult-adds, parameters and
training time side by side, and draws ground truth and detections of a few val images. The same runs by hand:
    python tools/make_dataset.py
    python tools/train.py configs/demo/shapes_frcnn_shufflenet.py
    python tools/test.py configs/demo/shapes_frcnn_shufflenet.py work_dirs/demo/shapes_frcnn_shufflenet/epoch_12.pth
"""

import argparse
from pathlib import Path

from shufflenet_det.cli.run_setup import reported_errors
from shufflenet_det.core.output_paths import check_writable_file, check_writable_folder
from shufflenet_det.shapes.demo import demo_provenance, run_demo, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', default='work_dirs/demo', help='where checkpoints, logs and the picture go')
    parser.add_argument('--json', metavar='FILE', type=Path,
                        help='also write the result file (machine, command, commit, date and a row per detector: '
                             'bbox_mAP, AP50, AP by size in percent, mAP by epoch, gflops, mparams, train_minutes); '
                             'put it under results/demo/ and run tools/make_tables.py to publish it')
    parser.add_argument('--epochs', type=int,
                        help="training epochs of both detectors (default: the configs' schedule); longer trains "
                             'them closer to convergence')
    parser.add_argument('--debug', action='store_true', help='show the traceback of input errors too')
    args = parser.parse_args()
    with reported_errors(args.debug):
        check_writable_folder(args.work_dir, '--work-dir')
        if args.json:
            check_writable_file(args.json, '--json')
        provenance = demo_provenance()  # the code and time the run started with
        results = run_demo(Path(args.work_dir), epochs=args.epochs)
        if args.json:
            write_json(results, args.json, provenance)
            print(f'results written to {args.json}')


if __name__ == '__main__':
    main()
