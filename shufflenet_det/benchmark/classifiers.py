"""Classification networks of the paper's Table 8 as sweep cases: ShuffleNet v1, MobileNet v1, AlexNet."""

from pathlib import Path

import torch
import torchvision
from torch import nn

from .. import reference
from ..complexity import classifier_complexity
from .cases import Case

#: Opset of the classifier exports (the detectors' exporter uses the same).
OPSET = 17


def build_classifier(name: str) -> nn.Module:
    """The classification network called ``name`` in :mod:`shufflenet_det.reference`, or torchvision's AlexNet.

    Weights are random: latency does not depend on their values.

    Raises:
        KeyError: If ``name`` is neither a reference backbone nor ``AlexNet``.
    """
    if name == 'AlexNet':
        return torchvision.models.alexnet(weights=None).eval()
    if name not in reference.CLASSIFIER_BACKBONES:
        raise KeyError(f'unknown classifier {name!r}; known: AlexNet, {", ".join(reference.CLASSIFIER_BACKBONES)}')
    import shufflenet_det.models  # noqa: F401  (registers the backbones)
    from shufflenet_det.models import ClassificationNet

    return ClassificationNet(reference.CLASSIFIER_BACKBONES[name]).eval()


def export_classifier(model: nn.Module, example: torch.Tensor, path: Path) -> Path:
    """Export ``model`` with the static input shape of ``example`` to ``path``; reuse an existing file."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(model, (example, ), str(path), dynamo=False, opset_version=OPSET,
                              input_names=['image'], output_names=['logits'])
    return path


def classifier_case(key: str, name: str, height: int, width: int) -> Case:
    """A classifier at ``height`` x ``width`` with a random ImageNet-normalised input."""
    torch.manual_seed(0)
    model = build_classifier(name)
    image = torch.randn(1, 3, height, width)
    complexity = classifier_complexity(model, height, width)

    def run() -> torch.Tensor:
        return model(image)

    def export(folder: Path) -> Path:
        return export_classifier(model, image, folder / f'{key}_{height}x{width}.onnx')

    return Case(key=key, name=name, kind='classifier', height=height, width=width, scale=None, model=model,
                torch_run=run, export_onnx=export, onnx_feed={'image': image.numpy()},
                mult_adds=complexity.mult_adds, params=complexity.params)
