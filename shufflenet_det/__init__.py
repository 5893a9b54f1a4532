"""ShuffleNet v1 / MobileNet v1 Faster R-CNN detectors for MMDetection 3.x.

Importing the package registers its modules in MMDetection's registries; configs do it through
``custom_imports = dict(imports=['shufflenet_det'])``.
"""

from . import datasets, models  # noqa: F401  (registers datasets, transforms, backbones and heads)

__version__ = '0.1.0'
