"""Published ImageNet checkpoints converted to our backbones, exactly.

Each source (:data:`SOURCES`) identifies which of its published networks a file holds from the keys and shapes,
renames the tensors to our :class:`~shufflenet_det.models.ClassificationNet` (``backbone.*``, ``fc.*``), reorders
channels where the source's network differs from ours in a way the weights depend on, and names the backbone
options and input format (``data_preprocessor``) that make our network compute what the source computes.

Example:
    >>> from shufflenet_det.checkpoints import convert_file
    >>> converted = convert_file('megvii', 'downloads/megvii_shufflenet_v1_2x_g3.pth.tar')
    >>> converted.save(f'checkpoints/{converted.architecture.name}.pth')
"""

from pathlib import Path

from .finite_weights import check_finite_weights
from .keys import CheckpointMismatchError, LayoutDifference, compare_layout
from .loading import load_tensors, read_checkpoint
from .megvii import MegviiShuffleNetV1
from .mmpretrain import MmpretrainShuffleNetV1
from .model_weights import load_weights
from .source import Architecture, CheckpointSource, ConvertedCheckpoint
from .timm_mobilenet import TimmMobileNetV1

#: The sources by command-line name.
SOURCES: dict[str, CheckpointSource] = {
    source.name: source for source in (MegviiShuffleNetV1(), MmpretrainShuffleNetV1(), TimmMobileNetV1())}


def convert_file(source: str, path: str | Path) -> ConvertedCheckpoint:
    """Read a published checkpoint of ``source`` and convert it.

    Args:
        source: One of :data:`SOURCES`.
        path: The downloaded file.

    Raises:
        ValueError: If ``source`` is unknown or the file holds other objects than tensors.
        CheckpointMismatchError: If its keys or shapes fit none of the source's published networks.
        CheckpointFileError: If it holds NaN or infinite values.
    """
    if source not in SOURCES:
        raise ValueError(f'unknown checkpoint source {source!r}; choose one of {sorted(SOURCES)}')
    converted = SOURCES[source].convert(load_tensors(path))
    check_finite_weights(converted.state_dict, f'checkpoint {path}', 'the file is damaged (a float16 copy whose '
                         'values overflowed its range holds inf, for example): download it again')
    return converted


def find_architecture(name: str) -> tuple[CheckpointSource, Architecture]:
    """The source and architecture whose converted file is named ``name`` (its stem, e.g. from a config)."""
    for source in SOURCES.values():
        for architecture in source.architectures():
            if architecture.name == name:
                return source, architecture
    raise KeyError(f'no published checkpoint converts to {name!r}')


__all__ = ['SOURCES', 'Architecture', 'CheckpointMismatchError', 'CheckpointSource', 'ConvertedCheckpoint',
           'LayoutDifference', 'check_finite_weights', 'compare_layout', 'convert_file', 'find_architecture',
           'load_tensors', 'load_weights', 'read_checkpoint']
