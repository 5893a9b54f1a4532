"""ShuffleNet v1 / MobileNet v1 Faster R-CNN detectors for MMDetection 3.x.

The package root imports nothing heavy, so :mod:`shufflenet_det.deploy` runs where only onnxruntime and numpy
exist. Importing :mod:`shufflenet_det.models`, :mod:`shufflenet_det.datasets` and :mod:`shufflenet_det.engine`
registers the backbones, heads, datasets, transforms and the checkpoint hook in MMDetection's registries;
``configs/_base_/default_runtime.py`` does it through ``custom_imports``.
"""

__version__ = '0.1.0'
