"""Classification networks as sweep cases: ShuffleNet v1, MobileNet v1, and torchvision's reference networks."""

import copy
from functools import partial
from pathlib import Path

import torch
import torchvision
from torch import nn

from ..complexity.mult_adds import classifier_complexity
from ..core import paper_numbers
from ..deploy.spec import OPSET
from ..models import ClassificationNet
from .case import Case, Setting, register_case_builder
from .rows import ModelKind

#: torchvision's builders of the reference classifiers, by their name in :mod:`shufflenet_det.core.paper_numbers`
#: (GoogLeNet without the auxiliary classifiers, which only training uses).
TORCHVISION_CLASSIFIERS = {
    'AlexNet': torchvision.models.alexnet,
    'VGG-16': torchvision.models.vgg16,
    'GoogLeNet': partial(torchvision.models.googlenet, aux_logits=False, init_weights=True),
    'ResNet-50': torchvision.models.resnet50,
}


def build_classifier(name: str) -> nn.Module:
    """The classification network called ``name``: one of our backbones or a torchvision reference network.

    Weights are random: latency does not depend on their values.

    Raises:
        KeyError: If ``name`` is neither a backbone of :mod:`shufflenet_det.core.paper_numbers` nor a torchvision one.
    """
    if name in TORCHVISION_CLASSIFIERS:
        return TORCHVISION_CLASSIFIERS[name](weights=None).eval()
    if name not in paper_numbers.CLASSIFIER_BACKBONES:
        known = [*TORCHVISION_CLASSIFIERS, *paper_numbers.CLASSIFIER_BACKBONES]
        raise KeyError(f'unknown classifier {name!r}; known: {", ".join(known)}')
    return ClassificationNet(paper_numbers.CLASSIFIER_BACKBONES[name]).eval()


def pooling_matrix(in_size: int, out_size: int) -> torch.Tensor:
    """The (out_size, in_size) matrix that averages the bins ``nn.AdaptiveAvgPool`` uses along one axis."""
    matrix = torch.zeros(out_size, in_size)
    for index in range(out_size):
        start, end = (index * in_size) // out_size, -(-((index + 1) * in_size) // out_size)
        matrix[index, start:end] = 1 / (end - start)
    return matrix


class MatrixAdaptiveAvgPool(nn.Module):
    """``AdaptiveAvgPool2d`` for one fixed input size, as two matrix products (which ONNX can express).

    The TorchScript exporter refuses adaptive pooling whose output size does not divide the input size
    (AlexNet's 6x6 pool at 480x640 sees a 14x19 map); this computes exactly the same average.
    """

    def __init__(self, in_size: tuple[int, int], out_size: tuple[int, int]) -> None:
        super().__init__()
        self.register_buffer('rows', pooling_matrix(in_size[0], out_size[0]))
        self.register_buffer('cols', pooling_matrix(in_size[1], out_size[1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.rows @ x @ self.cols.T


def exportable_pools(model: nn.Module, example: torch.Tensor) -> nn.Module:
    """A copy of ``model`` whose adaptive average pools that ONNX cannot express become matrix pools."""
    inputs: dict[str, torch.Size] = {}
    pools = {name: module for name, module in model.named_modules() if isinstance(module, nn.AdaptiveAvgPool2d)}

    def remember_input(name: str) -> callable:
        def hook(module: nn.Module, args: tuple, output: torch.Tensor) -> None:
            inputs[name] = args[0].shape
        return hook

    handles = [module.register_forward_hook(remember_input(name)) for name, module in pools.items()]
    with torch.no_grad():
        model(example)
    for handle in handles:
        handle.remove()
    exportable = copy.deepcopy(model)
    for name, module in pools.items():
        in_size = tuple(inputs[name][-2:])
        out_size = nn.modules.utils._pair(module.output_size)
        if any(size % out for size, out in zip(in_size, out_size, strict=True)):
            parent_name, _, attribute = name.rpartition('.')
            setattr(exportable.get_submodule(parent_name), attribute, MatrixAdaptiveAvgPool(in_size, out_size))
    return exportable


def export_classifier(model: nn.Module, example: torch.Tensor, path: Path) -> Path:
    """Export ``model`` with the static input shape of ``example`` to ``path``; reuse an existing file."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(exportable_pools(model, example), (example, ), str(path), dynamo=False,
                              opset_version=OPSET, input_names=['image'], output_names=['logits'])
    return path


@register_case_builder(ModelKind.CLASSIFIER.value)
def classifier_case(setting: Setting) -> Case:
    """A classifier at the setting's size with a random ImageNet-normalised input."""
    key, name, (height, width) = setting.model.key, setting.model.name, setting.size
    torch.manual_seed(0)
    model = build_classifier(name)
    image = torch.randn(1, 3, height, width)
    complexity = classifier_complexity(model, height, width)

    def run() -> torch.Tensor:
        return model(image)

    def export(folder: Path) -> Path:
        return export_classifier(model, image, folder / f'{key}_{height}x{width}.onnx')

    return Case(key=key, name=name, kind=ModelKind.CLASSIFIER, height=height, width=width, scale=None, model=model,
                torch_run=run, export_onnx=export, onnx_feed={'image': image.numpy()},
                mult_adds=complexity.mult_adds, params=complexity.params)
