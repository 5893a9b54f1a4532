"""Read the tensors of a published checkpoint file without running code from it."""

import pickle
from pathlib import Path

import torch

#: Containers the published files wrap their tensors in (Megvii and MMEngine: ``state_dict``).
WRAPPER_KEYS = ('state_dict', 'model')
#: Prefix ``torch.nn.DataParallel`` adds to every key (Megvii's files have it).
DATA_PARALLEL_PREFIX = 'module.'


def load_tensors(path: str | Path) -> dict[str, torch.Tensor]:
    """Return the named tensors of a checkpoint file, on the CPU.

    ``.safetensors`` files are read with the ``safetensors`` package; every other file with
    ``torch.load(weights_only=True)``, which refuses to run code hidden in a pickle. A ``state_dict`` or
    ``model`` wrapper and the ``module.`` prefix of ``DataParallel`` are removed.

    Args:
        path: The checkpoint file.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        ValueError: If the file holds objects other than tensors and plain containers, or no tensors.
        ImportError: For a ``.safetensors`` file when ``safetensors`` is not installed.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint {path} not found')
    if path.suffix == '.safetensors':
        content = _load_safetensors(path)
    else:
        try:
            content = torch.load(path, map_location='cpu', weights_only=True)
        except pickle.UnpicklingError as error:
            raise ValueError(
                f'{path} holds Python objects besides tensors, so it is not loaded (torch.load with '
                f'weights_only=True refused it: {str(error).splitlines()[0]}). If you trust the file, save its '
                f'tensors alone in a trusted environment, e.g. '
                f'torch.save(torch.load(file, weights_only=False)["state_dict"], "weights.pth"), '
                f'and convert that.') from None
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
