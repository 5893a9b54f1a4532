"""ShuffleNet v1 / MobileNet v1 Faster R-CNN detectors for MMDetection 3.x.

The package root imports nothing heavy, so :mod:`shufflenet_det.deploy` runs where only onnxruntime and numpy
exist. Importing :mod:`shufflenet_det.models` and :mod:`shufflenet_det.datasets` registers the backbones, heads,
datasets and transforms in MMDetection's registries; configs do it through
``custom_imports = dict(imports=['shufflenet_det.models', 'shufflenet_det.datasets'])``.
"""

__version__ = '0.1.0'
