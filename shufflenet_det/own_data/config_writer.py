"""Write a small training config for a prepared dataset: a project detector config with the dataset's root,
class names, class count, input scale, anchors sized to its boxes and a schedule sized to its image count.

The config lies in the dataset folder and finds the data through MMEngine's ``{{ fileDirname }}``, so it can be
used from any working directory. Pipelines are the detector's own with the input scale replaced (MMDetection's
pipelines take the scale's value when the base is read, so setting ``scale`` alone would change nothing).
"""

import math
import os
from pathlib import Path

from mmengine.config import Config

from ..core.errors import ConfigError
from ..core.project_configs import config_root, load_config

#: The schedule whose optimiser and learning-rate curve the written configs use (AdamW, warm-up, cosine).
SCHEDULE = '_base_/schedules/shapes_short.py'
#: Training steps the schedule aims at: those of the built-in shapes demo (800 images in batches of 4, 12 epochs).
DEFAULT_STEPS = 2400
MIN_EPOCHS, MAX_EPOCHS = 12, 300
#: The stride of the feature map the RPN's anchors sit on, in every project detector (C4 and light head).
ANCHOR_STRIDE = 16


def schedule_epochs(train_images: int, batch_size: int, steps: int = DEFAULT_STEPS) -> int:
    """Epochs that give about ``steps`` training steps, within ``MIN_EPOCHS``-``MAX_EPOCHS``."""
    steps_per_epoch = max(1, math.ceil(train_images / batch_size))
    return min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(steps / steps_per_epoch)))


def anchor_scales(box_sides: list[float]) -> list[float]:
    """Anchor scales (multiples of the stride, powers of two) from the smallest to the largest box side.

    Args:
        box_sides: The 1st and 99th percentile of the training boxes' ``sqrt(area)`` at the input scale.

    Returns:
        At least three scales, the smallest no less than half the stride.
    """
    low = math.floor(math.log2(max(box_sides[0], ANCHOR_STRIDE / 2) / ANCHOR_STRIDE))
    high = max(low + 2, math.ceil(math.log2(max(box_sides[-1], 1) / ANCHOR_STRIDE)))
    return [2.0 ** power for power in range(low, high + 1)]


def _with_scale(pipeline: list, scale: tuple[int, int]) -> list:
    """``pipeline`` with every ``Resize`` step resized to ``scale`` (longer, shorter)."""
    steps = [dict(step) for step in pipeline]
    resizes = [step for step in steps if step['type'] == 'Resize']
    if not resizes:
        raise ConfigError('the detector config has no Resize step in its pipelines; give one of the project '
                          'detector configs')
    for step in resizes:
        step['scale'] = scale
    return steps


def _schedule(epochs: int) -> tuple[dict, list]:
    schedule = Config.fromfile(str(config_root() / SCHEDULE))
    scheduler = [dict(step) for step in schedule.param_scheduler]
    for step in scheduler:
        if step['type'] == 'CosineAnnealingLR':
            step.update(end=epochs, T_max=epochs)
    return dict(_delete_=True, **schedule.optim_wrapper), scheduler


def python_text(value: object, indent: int = 0) -> str:
    """``value`` as config-file Python: dicts as ``dict(key=...)``, one line when it fits in 100 columns."""
    if isinstance(value, dict):
        items = [f'{key}={python_text(item, indent + 4)}' for key, item in value.items()]
        opening, closing = 'dict(', ')'
    elif isinstance(value, list):
        items = [python_text(item, indent + 4) for item in value]
        opening, closing = '[', ']'
    else:
        return repr(value)
    flat = opening + ', '.join(items) + closing
    if len(flat) + indent <= 100 and '\n' not in flat:
        return flat
    inner = ' ' * (indent + 4)
    return opening + '\n' + ''.join(f'{inner}{item},\n' for item in items) + ' ' * indent + closing


def _format(name: str, value: object) -> str:
    return f'{name} = {python_text(value)}'


def _base_path(detector: Path, dataset_dir: Path) -> str:
    """The detector config as ``_base_`` of a config in ``dataset_dir``: relative inside one tree, else absolute."""
    detector, dataset_dir = detector.resolve(), dataset_dir.resolve()
    if os.path.commonpath([detector, dataset_dir]) == detector.anchor:
        return str(detector)
    return os.path.relpath(detector, dataset_dir)


def _evaluator_lines(summary: dict, cfg: Config) -> list[str]:
    """The val evaluator: COCO mAP of the val images, or for tiles that of the whole images they were cut from."""
    if 'tiles' not in summary:
        return ["val_evaluator = dict(ann_file='{{ fileDirname }}/annotations/val.json')"]
    return ['# The model runs on the val tiles; their detections are merged per whole image and scored on those.',
            _format('val_evaluator', dict(type='TiledCocoMetric',
                                          ann_file='{{ fileDirname }}/annotations/val_whole.json',
                                          tiles_file='{{ fileDirname }}/annotations/val.json',
                                          max_per_img=int(cfg.model.test_cfg.rcnn.max_per_img)))]


def write_config(detector: Path, dataset_dir: Path, summary: dict, epochs: int | None = None) -> Path:
    """Write ``<dataset folder>/<dataset name>_<detector name>.py``.

    Args:
        detector: A project detector config (any C4 or light-head one; ImageNet-initialised or from scratch).
        dataset_dir: The prepared dataset (``tools/prepare_dataset.py``'s output).
        summary: Its summary.json.
        epochs: Training epochs, or None to size them to the training images (about ``DEFAULT_STEPS`` steps).

    Returns:
        The written config's path.

    Raises:
        FileNotFoundError: If ``detector`` does not exist.
        ConfigError: If it is not a detector config the project can retarget.
    """
    cfg = load_config(detector)
    if 'model' not in cfg or 'bbox_head' not in cfg.model.get('roi_head', {}):
        raise ConfigError(f'{detector} is not a two-stage detector config; give one of the project detector '
                          'configs, e.g. configs/demo/shapes_frcnn_shufflenet.py')
    train = summary['splits']['train']
    batch_size = cfg.train_dataloader.batch_size
    epochs = epochs or schedule_epochs(train['images'] - train['images_without_boxes'], batch_size)
    scale = (summary['input_scale']['max_size'], summary['input_scale']['scale'])
    optim_wrapper, param_scheduler = _schedule(epochs)
    val_at = max(1, epochs * 3 // 4)
    classes = tuple(summary['classes'])
    dataset = dict(data_root='{{ fileDirname }}/', metainfo=dict(classes=classes), data_prefix=dict(img='images/'))
    path = dataset_dir / f'{dataset_dir.resolve().name}_{detector.stem}.py'
    lines = [
        f'# {detector.stem} retargeted by tools/prepare_dataset.py to {len(classes)} classes and '
        f'{train["images"]} training images',
        f'# at input scale {scale[1]} (longer side at most {scale[0]}).',
        f"_base_ = '{_base_path(detector, dataset_dir)}'",
        '',
        _format('train_pipeline', _with_scale(cfg.train_dataloader.dataset.pipeline, scale)),
        _format('test_pipeline', _with_scale(cfg.test_dataloader.dataset.pipeline, scale)),
        _format('train_dataloader', dict(dataset=dict(**dataset, ann_file='annotations/train.json',
                                                      pipeline='@train_pipeline'))),
        _format('val_dataloader', dict(dataset=dict(**dataset, ann_file='annotations/val.json',
                                                    pipeline='@test_pipeline'))),
        'test_dataloader = val_dataloader',
        *_evaluator_lines(summary, cfg),
        'test_evaluator = val_evaluator',
        '',
        '# The class count, and anchors from the smallest to the largest training box (1st-99th percentile side).',
        _format('model', dict(rpn_head=dict(anchor_generator=dict(scales=anchor_scales(train['box_side_percentiles']))),
                              roi_head=dict(bbox_head=dict(num_classes=len(classes))))),
        '',
        f'# About {DEFAULT_STEPS} steps in batches of {batch_size}: the shapes schedule (AdamW, warm-up, cosine).',
        _format('train_cfg', dict(type='EpochBasedTrainLoop', max_epochs=epochs, val_begin=val_at,
                                  val_interval=val_at)),
        _format('optim_wrapper', optim_wrapper),
        _format('param_scheduler', param_scheduler),
        _format('default_hooks', dict(checkpoint=dict(interval=max(1, epochs // 4)), logger=dict(interval=10))),
    ]
    text = '\n'.join(lines) + '\n'
    text = text.replace("'@train_pipeline'", 'train_pipeline').replace("'@test_pipeline'", 'test_pipeline')
    path.write_text(text)
    return path
