"""Check that a detector's parts agree on their channel counts before it runs, whatever the config."""

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from ..core.errors import ConfigError

#: Side of the probe image: large enough for stride-32 outputs, small enough to cost nothing.
PROBE_SIZE = 64


def check_detector_channels(detector: nn.Module) -> None:
    """Check a two-stage detector's channels: backbone -> neck -> RPN, and shared RoI head -> box head.

    The backbone (and neck) run once on a small blank image, in eval mode and without gradients, so the check
    works for any backbone, ours or MMDetection's. Detectors without a backbone and an RPN head are left alone.

    Raises:
        ConfigError: Naming the part whose ``in_channels`` differs from what it receives and the value to set.
    """
    backbone, rpn_head = getattr(detector, 'backbone', None), getattr(detector, 'rpn_head', None)
    if backbone is None or rpn_head is None:
        return
    parameter = next(detector.parameters(), None)
    image = torch.zeros(1, 3, PROBE_SIZE, PROBE_SIZE, device=parameter.device if parameter is not None else 'cpu')
    with _eval_mode(detector), torch.no_grad():
        features = _as_tuple(backbone(image))
        source = f'the backbone ({type(backbone).__name__}) outputs'
        neck = getattr(detector, 'neck', None)
        if neck is not None:
            _expect(getattr(neck, 'in_channels', None), [f.shape[1] for f in features], 'model.neck.in_channels',
                    source)
            features, source = _as_tuple(neck(features)), f'the neck ({type(neck).__name__}) outputs'
        channels = sorted({feature.shape[1] for feature in features})
        _expect(getattr(rpn_head, 'in_channels', None), channels[0] if len(channels) == 1 else channels,
                'model.rpn_head.in_channels', source)
        _check_shared_head(getattr(detector, 'roi_head', None), channels[0], source)


def _as_tuple(output: torch.Tensor | tuple | list) -> tuple[torch.Tensor, ...]:
    return (output, ) if isinstance(output, torch.Tensor) else tuple(output)


def _check_shared_head(roi_head: nn.Module | None, channels: int, source: str) -> None:
    """Run the per-RoI shared head (C4 layout) on RoI-sized features and check the box head's ``in_channels``."""
    shared_head = getattr(roi_head, 'shared_head', None)
    bbox_head = getattr(roi_head, 'bbox_head', None)
    if shared_head is None or bbox_head is None:
        return
    extractor = roi_head.bbox_roi_extractor
    _expect(getattr(extractor, 'out_channels', None), channels, 'model.roi_head.bbox_roi_extractor.out_channels',
            source)
    size = extractor.roi_layers[0].output_size if hasattr(extractor, 'roi_layers') else (14, 14)
    size = size if isinstance(size, tuple) else (size, size)
    try:
        output = shared_head(torch.zeros(1, channels, *size, device=next(shared_head.parameters()).device))
    except RuntimeError as error:
        raise ConfigError(f'model.roi_head.shared_head ({type(shared_head).__name__}) does not take the '
                          f'{channels}-channel RoI features {source} ({str(error).splitlines()[0]}); build it from '
                          'the same backbone settings as model.backbone') from None
    _expect(getattr(bbox_head, 'in_channels', None), output.shape[1], 'model.roi_head.bbox_head.in_channels',
            f'the shared head ({type(shared_head).__name__}) outputs')


def _expect(declared: object, actual: object, key: str, source: str) -> None:
    declared = list(declared) if isinstance(declared, list | tuple) else declared
    if declared is not None and declared != actual:
        raise ConfigError(f'{key} is {declared} but {source} have {actual} channels: set {key}={actual} (the '
                          'detector would fail in its first forward pass)')


@contextmanager
def _eval_mode(module: nn.Module) -> Iterator[None]:
    """Put ``module`` in eval mode for a ``with`` block, then restore each submodule's mode."""
    modes = {child: child.training for child in module.modules()}
    module.eval()
    try:
        yield
    finally:
        for child, training in modes.items():
            child.training = training
