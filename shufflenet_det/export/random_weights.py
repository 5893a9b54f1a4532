"""Random detector weights that make an export check meaningful.

With freshly initialised weights every box scores about the same (the classifiers are initialised with std
0.01), so top-k and NMS order are arbitrary ties and no box passes the score threshold: comparing two runtimes on
such a model proves nothing. :func:`spread_random_detector` re-estimates the BN statistics on real images and
standardises the RPN and box classifiers' logits on them, so that scores are spread out and rarely tie.
"""

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

#: Standard deviation of every classifier logit over the calibration images.
LOGIT_STD = 2.0


def spread_random_detector(exportable: nn.Module, images: list[torch.Tensor], seed: int = 0) -> None:
    """Give a randomly initialised exportable detector (a :class:`TwoStageGraph`) distinct scores, in place.

    Args:
        exportable: The exportable detector (its modules are the detector's, so the detector changes too).
        images: RGB images (1, 3, H, W), values 0..255, used as calibration data.
        seed: Seed of the classifier weights.
    """
    exportable.eval()
    _estimate_norm_statistics(exportable, images)
    generator = torch.Generator().manual_seed(seed)
    for classifier in (exportable.rpn_cls, exportable.fc_cls):  # the RPN first: it decides the box head's input
        classifier.weight.data = torch.randn(classifier.weight.shape, generator=generator)
        classifier.bias.data.zero_()
        _standardise_logits(exportable, classifier, images)


def _estimate_norm_statistics(exportable: nn.Module, images: list[torch.Tensor]) -> None:
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


def _standardise_logits(exportable: nn.Module, classifier: nn.Module, images: list[torch.Tensor]) -> None:
    """Scale and shift each output channel of ``classifier`` to mean 0 and std ``LOGIT_STD`` on ``images``."""
    outputs = []
    handle = classifier.register_forward_hook(
        lambda module, args, output: outputs.append(output.transpose(0, 1).reshape(output.shape[1], -1)))
    with torch.no_grad():
        for image in images:
            exportable(image)
    handle.remove()
    logits = torch.cat(outputs, dim=1)
    scale = LOGIT_STD / logits.std(dim=1).clamp(min=1e-6)
    shape = (-1, ) + (1, ) * (classifier.weight.dim() - 1)
    classifier.weight.data *= scale.reshape(shape)
    classifier.bias.data = -logits.mean(dim=1) * scale
