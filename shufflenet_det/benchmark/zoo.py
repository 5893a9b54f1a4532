"""The models the sweep knows, the paper's input grid, and building one sweep case."""

from dataclasses import dataclass

from .cases import Case

CLASSIFIER = 'classifier'
DETECTOR = 'detector'

#: The paper's Table 8 inputs (height x width).
TABLE8_SIZES = ((224, 224), (480, 640), (720, 1280))
#: Detector input scales (shorter side) of the paper's Table 7.
DETECTOR_SCALES = (300, 600)


@dataclass(frozen=True)
class ModelSpec:
    """A model the sweep can time.

    Attributes:
        key: Command-line name.
        name: Display name (classifiers: the key of :mod:`shufflenet_det.reference`).
        kind: ``classifier`` or ``detector``.
        config_stem: The project's detector config below ``configs/`` (without scale suffix), None otherwise.
        peer: Whether this is a torchvision peer detector.
    """

    key: str
    name: str
    kind: str
    config_stem: str | None = None
    peer: bool = False


MODELS = (
    ModelSpec('shufflenet-0.5x', 'ShuffleNet 0.5x (g=3)', CLASSIFIER),
    ModelSpec('shufflenet-1x', 'ShuffleNet 1x (g=3)', CLASSIFIER),
    ModelSpec('shufflenet-2x', 'ShuffleNet 2x (g=3)', CLASSIFIER),
    ModelSpec('mobilenet-1.0', 'MobileNet v1 1.0', CLASSIFIER),
    ModelSpec('alexnet', 'AlexNet', CLASSIFIER),
    ModelSpec('frcnn-shufflenet-2x', 'Faster R-CNN ShuffleNet 2x (g=3)', DETECTOR, 'frcnn_shufflenet_2x'),
    ModelSpec('frcnn-shufflenet-1x', 'Faster R-CNN ShuffleNet 1x (g=3)', DETECTOR, 'frcnn_shufflenet_1x'),
    ModelSpec('frcnn-mobilenet-1.0', 'Faster R-CNN MobileNet v1 1.0', DETECTOR, 'frcnn_mobilenet_v1'),
    ModelSpec('frcnn-lh-shufflenet-2x', 'Light-head R-CNN ShuffleNet 2x (g=3)', DETECTOR,
              'lighthead/frcnn_lh_shufflenet_2x'),
    ModelSpec('frcnn-lh-shufflenet-1x', 'Light-head R-CNN ShuffleNet 1x (g=3)', DETECTOR,
              'lighthead/frcnn_lh_shufflenet_1x'),
    ModelSpec('frcnn-lh-mobilenet-1.0', 'Light-head R-CNN MobileNet v1 1.0', DETECTOR,
              'lighthead/frcnn_lh_mobilenet_v1'),
    ModelSpec('tv-frcnn-mnv3-320-fpn', 'torchvision Faster R-CNN MobileNetV3-L 320 FPN', DETECTOR, peer=True),
    ModelSpec('tv-frcnn-mnv3-fpn', 'torchvision Faster R-CNN MobileNetV3-L FPN', DETECTOR, peer=True),
)
MODELS_BY_KEY = {spec.key: spec for spec in MODELS}


def find_models(keys: list[str]) -> list[ModelSpec]:
    """The specs of ``keys``, in the given order.

    Raises:
        ValueError: Naming the unknown keys and listing the known ones.
    """
    unknown = [key for key in keys if key not in MODELS_BY_KEY]
    if unknown:
        raise ValueError(f'unknown model(s) {", ".join(unknown)}; choose from {", ".join(MODELS_BY_KEY)}')
    return [MODELS_BY_KEY[key] for key in keys]


def model_by_name(name: str) -> ModelSpec:
    """The spec whose display name is ``name``.

    Raises:
        KeyError: If no model has that name.
    """
    for spec in MODELS:
        if spec.name == name:
            return spec
    raise KeyError(f'no model named {name!r}')


@dataclass(frozen=True)
class Setting:
    """One model at one input: a classifier size (height, width) or a detector scale."""

    spec: ModelSpec
    size: tuple[int, int] | None = None
    scale: int | None = None

    @property
    def label(self) -> str:
        """``<key> <HxW>`` or ``<key> @<scale>``."""
        where = f'{self.size[0]}x{self.size[1]}' if self.size else f'@{self.scale}'
        return f'{self.spec.key} {where}'


def plan(specs: list[ModelSpec], sizes: list[tuple[int, int]], scales: list[int]) -> list[Setting]:
    """Every classifier at every size and every detector at every scale, in the order given."""
    settings = []
    for spec in specs:
        if spec.kind == CLASSIFIER:
            settings += [Setting(spec, size=size) for size in sizes]
        else:
            settings += [Setting(spec, scale=scale) for scale in scales]
    return settings


def build_case(setting: Setting) -> Case:
    """Build the model of ``setting`` with random weights and its input (see the ``*_case`` builders)."""
    spec = setting.spec
    if spec.kind == CLASSIFIER:
        from .classifiers import classifier_case

        return classifier_case(spec.key, spec.name, *setting.size)
    if spec.peer:
        from .peers import peer_case

        return peer_case(spec.key, spec.name, setting.scale)
    from .detectors import detector_case

    return detector_case(spec.key, spec.name, spec.config_stem, setting.scale)
