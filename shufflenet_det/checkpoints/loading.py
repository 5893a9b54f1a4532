"""Read checkpoint files without running code from them: the one rule every tool loads checkpoints by.

Files are read with ``torch.load(weights_only=True)``, which builds tensors and plain containers only. The
training state MMEngine saves besides the weights (its message hub's history buffers, numpy arrays and scalars)
is let through by an allow-list of exactly those types, so the project's own checkpoints load for ``--resume``,
testing and export, while a file holding any other object is refused with its name and the object's type.
"""

import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

from ..core.errors import CheckpointFileError

#: Containers the published files wrap their tensors in (Megvii and MMEngine: ``state_dict``).
WRAPPER_KEYS = ('state_dict', 'model')
#: First bytes of the zip container ``torch.save`` writes.
ZIP_SIGNATURE = b'PK\x03\x04'
#: Prefix ``torch.nn.DataParallel`` adds to every key (Megvii's files have it).
DATA_PARALLEL_PREFIX = 'module.'


def _numpy_dtype_classes() -> list[type]:
    """numpy's dtype class and its per-type subclasses (``numpy.dtypes.Float64DType`` ...), as pickles name them."""
    return [np.dtype] + [cls for cls in vars(np.dtypes).values() if isinstance(cls, type) and issubclass(cls, np.dtype)]


#: The statistics methods every ``HistoryBuffer`` registers (``HistoryBuffer._set_default_statistics``).
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_method(owner: type, name: str) -> Any:
    """``getattr`` as MMEngine's pickles use it, limited to a ``HistoryBuffer`` statistics method.

    A ``HistoryBuffer`` pickles its table of statistics methods (``min``, ``max``, ``mean``, ``current``) as
    ``getattr(HistoryBuffer, name)``; any other use of ``getattr`` in a file is refused.
    """
    if owner is not HistoryBuffer or name not in HISTORY_BUFFER_STATISTICS:
        raise pickle.UnpicklingError(f'Weights only load failed: GLOBAL getattr({getattr(owner, "__name__", owner)},'
                                     f'{name!r}) was not an allowed global')
    return getattr(owner, name)


#: What MMEngine's checkpoints hold besides tensors and plain containers: the message hub's ``HistoryBuffer``
#: (losses, learning rates, times) with its statistics methods, and the numpy arrays and scalars inside it and in
#: ``meta``.
MMENGINE_STATE_TYPES: list[Any] = [
    HistoryBuffer,
    (_history_buffer_method, 'builtins.getattr'),
    np.ndarray,
    np._core.multiarray._reconstruct,
    np._core.multiarray.scalar,
    # numpy < 2 pickled the same functions under numpy.core.
    (np._core.multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
    (np._core.multiarray.scalar, 'numpy.core.multiarray.scalar'),
    *_numpy_dtype_classes(),
]


def read_checkpoint(path: str | Path, map_location: str | torch.device | None = 'cpu') -> Any:
    """Load a checkpoint file without running code from it.

    Args:
        path: The file.
        map_location: As for ``torch.load``.

    Returns:
        The file's content: tensors, plain containers and MMEngine's training state.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        CheckpointFileError: If the file is empty, is not a PyTorch checkpoint, is truncated or corrupt, or holds an
            object of another type than those above; the message names the file and the type.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} not found')
    if path.stat().st_size == 0:
        raise CheckpointFileError(f'checkpoint {path} is empty (0 bytes): it was not written completely; '
                                  'use another checkpoint, or save or download it again')
    try:
        with torch.serialization.safe_globals(MMENGINE_STATE_TYPES):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        refused = _refused_type(str(error))
        if refused is None:
            raise _not_a_checkpoint(path, error) from None
        raise CheckpointFileError(
            f'checkpoint {path} holds a {refused} object, which is neither a tensor nor training state, so it is '
            'not loaded (torch.load with weights_only=True refused it: loading it could run code hidden in the '
            'file). If you trust the file, save its tensors alone in a trusted environment, e.g. '
            'torch.save(torch.load(file, weights_only=False)["state_dict"], "weights.pth"), and use that.') from None
    except Exception as error:  # torch.load fails on a damaged file with any of many exception types
        raise _not_a_checkpoint(path, error) from None


def _refused_type(message: str) -> str | None:
    """The object type named in torch's weights-only refusal, or None if ``message`` is about something else."""
    if 'Weights only load failed' not in message:
        return None
    found = re.search(r'GLOBAL (\S+)', message) or re.search(r"but got <class '([^']+)'>", message)
    return found.group(1) if found else None


def _not_a_checkpoint(path: Path, error: Exception) -> CheckpointFileError:
    message = str(error)
    if 'Weights only load failed' in message:  # torch's advice about weights_only does not apply to a damaged file
        message = message[message.rfind('WeightsUnpickler error:') + len('WeightsUnpickler error:'):] \
            if 'WeightsUnpickler error:' in message else 'no pickled PyTorch object'
    reason = next((line.strip() for line in message.splitlines() if line.strip()), '')
    with path.open('rb') as file:
        kind = 'truncated or corrupt' if file.read(4) == ZIP_SIGNATURE else 'not a PyTorch checkpoint'
    return CheckpointFileError(f'checkpoint {path} is {kind} ({type(error).__name__}: {reason}); use another '
                               'checkpoint, or save or download it again')


def load_tensors(path: str | Path) -> dict[str, torch.Tensor]:
    """Return the named tensors of a checkpoint file, on the CPU.

    ``.safetensors`` files are read with the ``safetensors`` package; every other file with
    ``read_checkpoint``, which refuses to run code hidden in a pickle. A ``state_dict`` or
    ``model`` wrapper and the ``module.`` prefix of ``DataParallel`` are removed.

    Args:
        path: The checkpoint file.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        CheckpointFileError: If the file is not a checkpoint or holds objects other than tensors and training state.
        ValueError: If the file holds no tensors.
        ImportError: For a ``.safetensors`` file when ``safetensors`` is not installed.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} not found')
    if path.suffix == '.safetensors':
        content = _load_safetensors(path)
    else:
        content = read_checkpoint(path)
    while isinstance(content, dict) and not _is_state_dict(content):
        wrapper = next((key for key in WRAPPER_KEYS if key in content), None)
        if wrapper is None:
            break
        content = content[wrapper]
    if not isinstance(content, dict) or not _is_state_dict(content):
        raise ValueError(f'{path} holds no state dict (a mapping of names to tensors); its top level is '
                         f'{_describe(content)}')
    return _strip_data_parallel(content)


def _load_safetensors(path: Path) -> dict[str, torch.Tensor]:
    try:
        from safetensors.torch import load_file
    except ImportError:
        raise ImportError(f'{path} is a safetensors file: install the reader with `pip install safetensors`, or '
                          f'convert the pytorch_model.bin of the same release instead') from None
    return load_file(str(path), device='cpu')


def _is_state_dict(content: dict) -> bool:
    return bool(content) and all(isinstance(value, torch.Tensor) for value in content.values())


def _strip_data_parallel(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    if all(key.startswith(DATA_PARALLEL_PREFIX) for key in state_dict):
        return {key[len(DATA_PARALLEL_PREFIX):]: value for key, value in state_dict.items()}
    return dict(state_dict)


def _describe(content: object) -> str:
    if isinstance(content, dict):
        return f'a dict with keys {sorted(map(str, content))[:8]}'
    return f'a {type(content).__name__}'
