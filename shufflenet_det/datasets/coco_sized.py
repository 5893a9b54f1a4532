"""Synthetic COCO-format data at COCO's image size, for smoke tests and throughput runs of the COCO configs.

The images are the built-in dataset's shapes on 640x480 canvases (the most common COCO image size), so the
COCO configs' pipelines resize them as they resize COCO images (to 800x600 at scale 600, 400x300 at scale 300).
The annotation files list COCO's 80 category names, with the five shapes labelled as the first five of them,
so the configs' class count and COCO metric take the data unchanged.

Layout under the root::

    train/000001.jpg ...                 val/000001.jpg ...
    annotations/instances_train.json     annotations/instances_val.json
"""

from pathlib import Path

from mmdet.datasets import CocoDataset

from .synthetic import ShapesDataset, write_split

COCO_IMAGE_SIZE = (640, 480)  # width, height
COCO_CLASSES: tuple[str, ...] = tuple(CocoDataset.METAINFO['classes'])


def write_coco_sized_dataset(root: str | Path, num_train: int, num_val: int,
                             size: tuple[int, int] = COCO_IMAGE_SIZE, seed: int = 0) -> ShapesDataset:
    """Write ``num_train`` training and ``num_val`` validation images of ``size`` with COCO annotations.

    Args:
        root: Folder to write into; created if missing. Existing files of the same names are overwritten.
        num_train: Number of training images (at least 1).
        num_val: Number of validation images (at least 1).
        size: Image width and height in pixels.
        seed: Seed of the drawing; the same arguments give the same files.

    Returns:
        The dataset's paths.

    Raises:
        ValueError: If an image count is below 1.
    """
    if num_train < 1 or num_val < 1:
        raise ValueError(f'need at least 1 image per split, got num_train={num_train}, num_val={num_val}')
    dataset = ShapesDataset(Path(root), generated=True)
    for split, count in (('train', num_train), ('val', num_val)):
        write_split(dataset, split, count, seed, lambda rng: size, COCO_CLASSES)
    return dataset


def coco_config_options(dataset: ShapesDataset) -> dict[str, str]:
    """Config overrides (``--cfg-options`` keys) that point a COCO config's data and metric at ``dataset``."""
    options = {}
    for loader, split in (('train_dataloader', 'train'), ('val_dataloader', 'val'), ('test_dataloader', 'val')):
        options[f'{loader}.dataset.data_root'] = f'{dataset.root.resolve()}/'
        options[f'{loader}.dataset.ann_file'] = f'annotations/instances_{split}.json'
        options[f'{loader}.dataset.data_prefix.img'] = f'{split}/'
    for evaluator in ('val_evaluator', 'test_evaluator'):
        options[f'{evaluator}.ann_file'] = str(dataset.ann_file('val').resolve())
    return options
