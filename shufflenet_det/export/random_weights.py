"""Random detector weights that make an export check meaningful.

With freshly initialised weights every box scores about the same (the classifier is initialised with std 0.01),
so top-k and NMS order are arbitrary ties and no box passes the score threshold: comparing two runtimes on such
a model proves nothing. :func:`spread_random_detector` re-estimates the BN statistics on real images and draws
classifier weights large enough that scores differ, so the exported graph can be checked on untrained models.
"""

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def spread_random_detector(exportable: nn.Module, images: list[torch.Tensor], seed: int = 0) -> None:
    """Give a randomly initialised :class:`ExportableFasterRCNN` distinct scores, in place.

    Args:
        exportable: The exportable detector (its modules are the detector's, so the detector changes too).
        images: RGB images (1, 3, H, W), values 0..255, used to estimate BN statistics.
        seed: Seed of the classifier weights.
    """
    generator = torch.Generator().manual_seed(seed)
    for layer in (exportable.rpn_cls, exportable.fc_cls):
        fan_in = layer.weight[0].numel()
        layer.weight.data = torch.randn(layer.weight.shape, generator=generator) * (3.0 / fan_in ** 0.5)
        layer.bias.data.zero_()
    exportable.eval()
    norms = [module for module in exportable.modules() if isinstance(module, _BatchNorm)]
    momenta = [norm.momentum for norm in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # cumulative average over the calibration images
        norm.train()
    with torch.no_grad():
        for image in images:
            exportable(image)
    for norm, momentum in zip(norms, momenta, strict=True):
        norm.momentum = momentum
        norm.eval()
