"""Count mult-adds and parameters by running a model once with forward hooks.

FLOPs here are mult-adds of convolutions and fully connected layers, as in the ShuffleNet and MobileNet
papers; normalisation, activations, pooling, RoIAlign and NMS are not counted (they are a small fraction).
Counting by hooks on the layers that actually ran works on any model, including two-stage detectors whose
control flow defeats tracing-based counters.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from mmengine.config import Config
from torch import nn

from ..core.project_configs import TYPICAL_IMAGE, config_scale


@dataclass
class Complexity:
    """Mult-adds of one forward pass and the parameters of the layers involved."""

    mult_adds: int
    params: int

    @property
    def mflops(self) -> float:
        """Mult-adds in millions."""
        return self.mult_adds / 1e6

    @property
    def gflops(self) -> float:
        """Mult-adds in billions."""
        return self.mult_adds / 1e9

    @property
    def mparams(self) -> float:
        """Parameters in millions."""
        return self.params / 1e6


def layer_mult_adds(module: nn.Module, output: torch.Tensor) -> int:
    """Mult-adds a convolution or linear layer spent to produce ``output`` (0 for other layers)."""
    if isinstance(module, nn.modules.conv._ConvNd):
        kernel = 1
        for size in module.kernel_size:
            kernel *= size
        return output.numel() * (module.in_channels // module.groups) * kernel
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


@contextmanager
def counting_mult_adds(model: nn.Module) -> Iterator[list[int]]:
    """Count mult-adds of every conv and linear layer of ``model`` while the context is open.

    Yields:
        A one-element list whose item grows with each counted layer call.
    """
    total = [0]

    def hook(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        total[0] += layer_mult_adds(module, output)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, nn.modules.conv._ConvNd | nn.Linear)]
    try:
        yield total
    finally:
        for handle in handles:
            handle.remove()


def count_params(*modules: nn.Module) -> int:
    """Number of parameters of ``modules`` (each parameter counted once)."""
    seen = {id(p): p.numel() for module in modules for p in module.parameters()}
    return sum(seen.values())


@torch.no_grad()
def count_mult_adds(model: nn.Module, run: Callable[[], object]) -> int:
    """Mult-adds spent in ``model`` while ``run()`` executes."""
    with counting_mult_adds(model) as total:
        run()
    return total[0]


def classifier_complexity(model: nn.Module, height: int = 224, width: int = 224) -> Complexity:
    """Mult-adds and parameters of a classification network on one ``height`` x ``width`` image."""
    model.eval()
    image = torch.zeros(1, 3, height, width)
    return Complexity(count_mult_adds(model, lambda: model(image)), count_params(model))


@dataclass
class DetectorComplexity:
    """Complexity of a two-stage detector split into image-wise and RoI-wise work."""

    image_wise: Complexity
    per_roi: Complexity
    num_proposals: int
    params: int

    @property
    def mult_adds(self) -> int:
        """Mult-adds of one image with ``num_proposals`` RoIs."""
        return self.image_wise.mult_adds + self.num_proposals * self.per_roi.mult_adds


def detector_complexity(detector: nn.Module, height: int, width: int, num_proposals: int) -> DetectorComplexity:
    """Mult-adds of an MMDetection two-stage detector on one image with ``num_proposals`` RoIs.

    Image-wise work is the backbone, the neck (if any), the RPN head and a light head's spatial attention on a
    ``height`` x ``width`` input; RoI-wise work is the shared head (if any) and the box head on one RoI feature
    of the size the RoI extractor produces, multiplied by ``num_proposals``.

    Args:
        detector: A built ``TwoStageDetector`` (for example Faster R-CNN).
        height: Input height after resizing (and padding).
        width: Input width after resizing (and padding).
        num_proposals: RoIs per image given to the RoI head (the RPN's ``max_per_img`` at test time).
    """
    detector.eval()
    image = torch.zeros(1, 3, height, width)
    image_parts = [detector.backbone, detector.rpn_head] + ([detector.neck] if detector.with_neck else [])
    # A light-head detector (LightHeadRCNN) feeds the RPN its own hidden features, computed with the attention.
    light_head = hasattr(detector, 'image_features')
    if light_head:
        image_parts.append(detector.attention)

    def image_wise() -> None:
        rpn_input = detector.image_features(image)[0] if light_head else detector.extract_feat(image)
        detector.rpn_head(rpn_input)

    image_mult_adds = count_mult_adds(detector, image_wise)
    roi_head = detector.roi_head
    extractor = roi_head.bbox_roi_extractor
    size = extractor.roi_layers[0].output_size
    size = size if isinstance(size, tuple) else (size, size)
    roi_feature = torch.zeros(1, extractor.out_channels, *size)
    roi_parts = [roi_head.bbox_head] + ([roi_head.shared_head] if roi_head.with_shared_head else [])

    def roi_wise() -> None:
        features = roi_head.shared_head(roi_feature) if roi_head.with_shared_head else roi_feature
        roi_head.bbox_head(features)

    roi_mult_adds = count_mult_adds(detector, roi_wise)
    return DetectorComplexity(
        image_wise=Complexity(image_mult_adds, count_params(*image_parts)),
        per_roi=Complexity(roi_mult_adds, count_params(*roi_parts)),
        num_proposals=num_proposals,
        params=count_params(detector))


def config_input_shape(cfg: Config) -> tuple[int, int]:
    """Input size the config's test pipeline gives COCO's most common image (:data:`TYPICAL_IMAGE`, 480x640)."""
    return config_scale(cfg).resized_size(*TYPICAL_IMAGE)
