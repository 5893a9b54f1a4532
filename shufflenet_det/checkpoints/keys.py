"""Compare a checkpoint's tensors with the names and shapes a network expects, and say what does not fit."""

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from ..core.errors import ShufflenetDetError

#: Keys listed per category in an error message; the rest are counted.
LISTED_KEYS = 12


@dataclass(frozen=True)
class LayoutDifference:
    """How a checkpoint differs from an expected layout.

    Attributes:
        missing: Expected keys the checkpoint lacks.
        unexpected: Checkpoint keys the layout does not have.
        mis_shaped: (key, checkpoint shape, expected shape) of keys present in both with different shapes.
    """

    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    mis_shaped: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]

    @property
    def fits(self) -> bool:
        """Whether the checkpoint has exactly the expected keys and shapes."""
        return not (self.missing or self.unexpected or self.mis_shaped)

    @property
    def size(self) -> int:
        """Number of differing keys, to rank candidate layouts."""
        return len(self.missing) + len(self.unexpected) + len(self.mis_shaped)


def compare_layout(found: Mapping[str, torch.Tensor], expected: Mapping[str, tuple[int, ...]]) -> LayoutDifference:
    """List the keys of ``found`` that are missing, unexpected or of another shape than in ``expected``."""
    return LayoutDifference(
        missing=tuple(key for key in expected if key not in found),
        unexpected=tuple(key for key in found if key not in expected),
        mis_shaped=tuple((key, tuple(found[key].shape), tuple(shape)) for key, shape in expected.items()
                         if key in found and tuple(found[key].shape) != tuple(shape)))


class CheckpointMismatchError(ShufflenetDetError, ValueError):
    """A checkpoint's keys or shapes do not fit the layout it was read as.

    Args:
        what: What the checkpoint was read as, e.g. ``'Megvii ShuffleNet v1 2x (g=3)'``.
        difference: The missing, unexpected and mis-shaped keys.
        hint: A sentence on the likely cause and the fix.
    """

    def __init__(self, what: str, difference: LayoutDifference, hint: str = '') -> None:
        self.difference = difference
        lines = [f'the checkpoint does not fit {what}: {len(difference.missing)} missing, '
                 f'{len(difference.unexpected)} unexpected and {len(difference.mis_shaped)} mis-shaped keys']
        lines += _listed('missing', difference.missing)
        lines += _listed('unexpected', difference.unexpected)
        lines += _listed('mis-shaped (checkpoint vs expected)',
                         [f'{key} {list(found)} vs {list(expected)}' for key, found, expected in difference.mis_shaped])
        if hint:
            lines.append(hint)
        super().__init__('\n'.join(lines))


def _listed(title: str, items: tuple[str, ...] | list[str]) -> list[str]:
    if not items:
        return []
    lines = [f'  {title}:'] + [f'    {item}' for item in items[:LISTED_KEYS]]
    if len(items) > LISTED_KEYS:
        lines.append(f'    ... and {len(items) - LISTED_KEYS} more')
    return lines
