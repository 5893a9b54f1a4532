"""Find NaN and infinite values in weights: a diverged training's or an overflowed file's, never used as weights."""

from collections.abc import Mapping

import torch

from ..core.errors import CheckpointFileError

#: Tensor names an error message lists; the rest are counted.
LISTED_NAMES = 3


def non_finite_tensors(tensors: Mapping[str, object]) -> list[str]:
    """The names of the floating-point tensors in ``tensors`` holding a NaN or an infinite value."""
    return [name for name, tensor in tensors.items()
            if isinstance(tensor, torch.Tensor) and tensor.is_floating_point() and not torch.isfinite(tensor).all()]


def describe_non_finite(tensors: Mapping[str, object], names: list[str]) -> str:
    """``'nan or inf in 3 of 120 tensors (backbone.conv1.weight, ...)'`` for the ``names`` found non-finite."""
    kinds = []
    if any(torch.isnan(tensors[name]).any() for name in names):
        kinds.append('nan')
    if any(torch.isinf(tensors[name]).any() for name in names):
        kinds.append('inf')
    listed = ', '.join(names[:LISTED_NAMES]) + (', ...' if len(names) > LISTED_NAMES else '')
    total = sum(isinstance(tensor, torch.Tensor) for tensor in tensors.values())
    return f'{" and ".join(kinds)} in {len(names)} of {total} tensors ({listed})'


def check_finite_weights(tensors: Mapping[str, object], source: str, fix: str) -> None:
    """Refuse weights holding NaN or infinite values.

    Args:
        tensors: A state dict.
        source: What holds them, for the message, e.g. ``'checkpoint work_dirs/x/epoch_3.pth'``.
        fix: The sentence saying what to do instead.

    Raises:
        CheckpointFileError: Naming the source, the kind of values and the tensors.
    """
    names = non_finite_tensors(tensors)
    if names:
        raise CheckpointFileError(f'{source} holds non-finite weights: {describe_non_finite(tensors, names)}; {fix}')
