"""Train and compare a ShuffleNet and a MobileNet Faster R-CNN on the built-in shapes dataset.

Generates the dataset (data/shapes), trains both detectors of configs/demo/ with MMEngine's runner, evaluates
them with the COCO metric, prints a side-by-side table and draws detections on a few val images. The same
runs by hand:
    python tools/make_dataset.py
    python tools/train.py configs/demo/shapes_frcnn_shufflenet.py
    python tools/test.py configs/demo/shapes_frcnn_shufflenet.py work_dirs/demo/shapes_frcnn_shufflenet/epoch_N.pth
"""

import argparse
import platform
import time
from pathlib import Path

import torch
from mmdet.apis import inference_detector
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image, ImageDraw

from shufflenet_det.complexity import config_input_shape, detector_complexity
from shufflenet_det.datasets import CLASSES, generate_dataset
from shufflenet_det.runtime import adapt_to_cpu
from shufflenet_det.table import markdown_table

CONFIGS = ('configs/demo/shapes_frcnn_shufflenet.py', 'configs/demo/shapes_frcnn_mobilenet.py')
SCORE_THRESHOLD = 0.3


def train_and_evaluate(config_path: str, work_root: Path) -> tuple[Runner, dict, float, float]:
    """Train one demo detector, then evaluate it; return the runner, metrics, train and test seconds."""
    cfg = Config.fromfile(config_path)
    cfg.work_dir = str(work_root / Path(config_path).stem)
    adapt_to_cpu(cfg, 'none')
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.train()
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    metrics = runner.test()
    return runner, metrics, train_seconds, time.perf_counter() - start


def draw_detections(runners: dict[str, Runner], image_paths: list[Path], out_file: Path) -> None:
    """Save one row per detector of val images with its detections above ``SCORE_THRESHOLD``."""
    tiles = []
    for name, runner in runners.items():
        model = runner.model
        model.cfg = runner.cfg
        model.eval()
        row = []
        for path in image_paths:
            result = inference_detector(model, str(path))
            image = Image.open(path).convert('RGB')
            draw = ImageDraw.Draw(image)
            draw.text((2, 2), name, fill='white')
            instances = result.pred_instances[result.pred_instances.scores > SCORE_THRESHOLD]
            for box, label, score in zip(instances.bboxes.tolist(), instances.labels.tolist(),
                                         instances.scores.tolist(), strict=True):
                draw.rectangle(box, outline='yellow', width=2)
                draw.text((box[0] + 2, box[1] + 1), f'{CLASSES[label]} {score:.2f}', fill='yellow')
            row.append(image)
        tiles.append(row)
    width = sum(image.width for image in tiles[0])
    height = sum(max(image.height for image in row) for row in tiles)
    sheet = Image.new('RGB', (width, height))
    y = 0
    for row in tiles:
        x = 0
        for image in row:
            sheet.paste(image, (x, y))
            x += image.width
        y += max(image.height for image in row)
    sheet.save(out_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', default='work_dirs/demo', help='where checkpoints, logs and the picture go')
    args = parser.parse_args()
    work_root = Path(args.work_dir)
    work_root.mkdir(parents=True, exist_ok=True)

    print('==> built-in dataset', flush=True)
    dataset = generate_dataset('data/shapes')
    num_val = len(list(dataset.img_dir('val').glob('*.jpg')))

    rows, runners = [], {}
    for index, config_path in enumerate(CONFIGS, start=1):
        print(f'\n==> [{index}/{len(CONFIGS)}] training {config_path}', flush=True)
        runner, metrics, train_seconds, test_seconds = train_and_evaluate(config_path, work_root)
        name = runner.cfg.model.backbone.type
        runners[name] = runner
        height, width = config_input_shape(runner.cfg)
        complexity = detector_complexity(runner.model, height, width, runner.cfg.model.test_cfg.rpn.max_per_img)
        rows.append([config_path, 100 * metrics['coco/bbox_mAP'], 100 * metrics['coco/bbox_mAP_50'],
                     complexity.mult_adds / 1e9, complexity.params / 1e6, num_val / test_seconds,
                     f'{train_seconds / 60:.1f} min'])

    picture = work_root / 'detections.png'
    draw_detections(runners, sorted(dataset.img_dir('val').glob('*.jpg'))[:4], picture)
    print(f'\nShapes val split ({num_val} images), {platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} threads; GFLOPs at the demo input size with the test-time proposal count;')
    print('images/s over the whole test loop (loading, inference and evaluation):\n')
    print(markdown_table(['config', 'mAP', 'AP50', 'GFLOPs', 'Mparams', 'val images/s', 'training'], rows))
    print(f'\ndetections drawn in {picture}')


if __name__ == '__main__':
    main()
