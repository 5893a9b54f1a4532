"""The models the sweep knows and the paper's input grid, planned into settings (one model at one input)."""

from ..core.project_configs import MMDET_R50_C4
from .case import Setting, SweepModel
from .rows import ModelKind

#: The paper's Table 8 inputs (height x width).
TABLE8_SIZES = ((224, 224), (480, 640), (720, 1280))

CLASSIFIER, DETECTOR = ModelKind.CLASSIFIER, ModelKind.DETECTOR
MODELS = (
    SweepModel('shufflenet-0.5x', 'ShuffleNet 0.5x (g=3)', CLASSIFIER),
    SweepModel('shufflenet-1x', 'ShuffleNet 1x (g=3)', CLASSIFIER),
    SweepModel('shufflenet-2x', 'ShuffleNet 2x (g=3)', CLASSIFIER),
    SweepModel('mobilenet-1.0', 'MobileNet v1 1.0', CLASSIFIER),
    SweepModel('alexnet', 'AlexNet', CLASSIFIER),
    SweepModel('googlenet', 'GoogLeNet', CLASSIFIER),
    SweepModel('resnet-50', 'ResNet-50', CLASSIFIER),
    SweepModel('vgg-16', 'VGG-16', CLASSIFIER),
    SweepModel('frcnn-shufflenet-2x', 'Faster R-CNN ShuffleNet 2x (g=3)', DETECTOR, 'frcnn_shufflenet_2x'),
    SweepModel('frcnn-shufflenet-1x', 'Faster R-CNN ShuffleNet 1x (g=3)', DETECTOR, 'frcnn_shufflenet_1x'),
    SweepModel('frcnn-mobilenet-1.0', 'Faster R-CNN MobileNet v1 1.0', DETECTOR, 'frcnn_mobilenet_v1'),
    SweepModel('frcnn-lh-shufflenet-2x', 'Light-head R-CNN ShuffleNet 2x (g=3)', DETECTOR,
               'lighthead/frcnn_lh_shufflenet_2x'),
    SweepModel('frcnn-lh-shufflenet-1x', 'Light-head R-CNN ShuffleNet 1x (g=3)', DETECTOR,
               'lighthead/frcnn_lh_shufflenet_1x'),
    SweepModel('frcnn-lh-mobilenet-1.0', 'Light-head R-CNN MobileNet v1 1.0', DETECTOR,
               'lighthead/frcnn_lh_mobilenet_v1'),
    SweepModel('tv-frcnn-mnv3-320-fpn', 'torchvision Faster R-CNN MobileNetV3-L 320 FPN', DETECTOR, torchvision=True),
    SweepModel('tv-frcnn-mnv3-fpn', 'torchvision Faster R-CNN MobileNetV3-L FPN', DETECTOR, torchvision=True),
    SweepModel('mmdet-frcnn-r50-c4', 'MMDetection Faster R-CNN R50-C4', DETECTOR, MMDET_R50_C4,
               note='MMDetection defaults: 1000 proposals per image, ResNet-50 stage 4 per RoI'),
)
MODELS_BY_KEY = {model.key: model for model in MODELS}


def find_models(keys: list[str]) -> list[SweepModel]:
    """The models of ``keys``, in the given order.

    Raises:
        ValueError: Naming the unknown keys and listing the known ones.
    """
    unknown = [key for key in keys if key not in MODELS_BY_KEY]
    if unknown:
        raise ValueError(f'unknown model(s) {", ".join(unknown)}; choose from {", ".join(MODELS_BY_KEY)}')
    return [MODELS_BY_KEY[key] for key in keys]


def plan(models: list[SweepModel], sizes: list[tuple[int, int]], scales: list[int]) -> list[Setting]:
    """Every classifier at every size and every detector at every scale, in the order given."""
    settings = []
    for model in models:
        if model.kind == CLASSIFIER:
            settings += [Setting(model, size=size) for size in sizes]
        else:
            settings += [Setting(model, scale=scale) for scale in scales]
    return settings
