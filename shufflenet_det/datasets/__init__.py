"""Datasets: the built-in shapes dataset generator, synthetic COCO-sized data, and a COCO dataset that checks
its input.

Importing the package registers ``CheckedCocoDataset``, ``LoadImageFromFileChecked``, ``CheckedCocoMetric`` and
``TiledCocoMetric`` in MMDetection's registries.
"""

from .checked_coco import CheckedCocoDataset, LoadImageFromFileChecked
from .checked_coco_metric import CheckedCocoMetric
from .coco_sized import COCO_IMAGE_SIZE, coco_config_options, write_coco_sized_dataset
from .synthetic import CLASSES, ShapesDataset, generate_dataset
from .tiled_coco_metric import TiledCocoMetric

__all__ = ['CLASSES', 'COCO_IMAGE_SIZE', 'CheckedCocoDataset', 'CheckedCocoMetric', 'LoadImageFromFileChecked',
           'ShapesDataset', 'TiledCocoMetric', 'coco_config_options', 'generate_dataset', 'write_coco_sized_dataset']
