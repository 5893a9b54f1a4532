"""Load a checkpoint's weights into a built model, all of them or none: a checkpoint that does not fit stops."""

from pathlib import Path

from torch import nn

from .finite_weights import check_finite_weights
from .keys import CheckpointMismatchError, compare_layout
from .loading import DATA_PARALLEL_PREFIX, read_checkpoint


def load_weights(model: nn.Module, path: str | Path) -> dict:
    """Load the weights of checkpoint ``path`` into ``model``, strictly.

    Args:
        model: The built model (not wrapped in DataParallel).
        path: A checkpoint holding ``{'state_dict': ...}`` (MMEngine's and the converter's format) or the state
            dict itself.

    Returns:
        The whole checkpoint (meta and training state included).

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        CheckpointFileError: If the file is not a checkpoint, holds code objects or NaN or infinite weights.
        CheckpointMismatchError: Listing the missing, unexpected and mis-shaped keys when the weights do not fit.
    """
    checkpoint = read_checkpoint(path)
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else {}
    if state_dict and all(key.startswith(DATA_PARALLEL_PREFIX) for key in state_dict):
        state_dict = {key[len(DATA_PARALLEL_PREFIX):]: value for key, value in state_dict.items()}
    expected = {key: tuple(value.shape) for key, value in model.state_dict().items()}
    difference = compare_layout(state_dict, expected)
    if not difference.fits:
        raise CheckpointMismatchError(
            f'this {type(model).__name__} ({path})', difference,
            'The checkpoint was trained with another config (architecture, width, groups or number of classes): '
            'use the config it was trained with (its meta["cfg"] holds it), or another checkpoint.')
    check_finite_weights(state_dict, f'checkpoint {path}', 'the training that wrote it diverged, or the file is '
                         'damaged: use an earlier checkpoint of that run')
    model.load_state_dict(state_dict, strict=True)
    return checkpoint
