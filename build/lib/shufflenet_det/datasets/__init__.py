"""Datasets: the built-in shapes dataset generator and a COCO dataset that checks its input.

Importing the package registers ``CheckedCocoDataset`` and ``LoadImageFromFileChecked`` in MMDetection's
registries.
"""

from .checked_coco import CheckedCocoDataset, LoadImageFromFileChecked
from .synthetic import CLASSES, ShapesDataset, generate_dataset

__all__ = ['CLASSES', 'CheckedCocoDataset', 'LoadImageFromFileChecked', 'ShapesDataset', 'generate_dataset']
