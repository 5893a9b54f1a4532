"""Run-time helpers shared by the train and test tools: config loading, CPU launchers, checkpoint trust."""

import os
from pathlib import Path

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.runner import CheckpointLoader


def load_run_config(config: str, cfg_options: dict | None, work_dir: str | None, launcher: str) -> Config:
    """Load a config as MMDetection's train and test tools do.

    Args:
        config: Config file path.
        cfg_options: ``--cfg-options`` overrides, merged into the config.
        work_dir: ``--work-dir``; without it the config's own, else ``work_dirs/<config name>``.
        launcher: ``--launcher``, stored in the config for MMEngine.

    Returns:
        The config, ready for ``Runner.from_cfg``.
    """
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = str(Path('work_dirs') / Path(config).stem)
    return cfg


def enable_amp(cfg: Config) -> None:
    """Train with automatic mixed precision (``--amp``): MMEngine's AMP wrapper with dynamic loss scaling."""
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.loss_scale = 'dynamic'


def adapt_to_cpu(cfg: Config, launcher: str) -> None:
    """Let MMEngine's launchers run on machines without a GPU.

    MMEngine's ``pytorch`` launcher pins each process to a CUDA device and wraps the model in DDP with CUDA
    ``device_ids``. Without a GPU, the process group is started here with the gloo backend (MMEngine then
    reuses it) and DDP gets no ``device_ids``. AMP is refused with a clear message, since MMEngine's AMP
    wrapper needs a GPU. On a GPU machine this function changes nothing.

    Args:
        cfg: The run's config, modified in place.
        launcher: The ``--launcher`` argument.

    Raises:
        SystemExit: If AMP is requested on a machine without a GPU.
    """
    if torch.cuda.is_available():
        return
    if cfg.get('optim_wrapper', {}).get('type') == 'AmpOptimWrapper':
        raise SystemExit('error: --amp needs a GPU (MMEngine mixed precision runs on CUDA); drop --amp on CPU')
    if launcher == 'pytorch' and not dist.is_initialized():
        dist.init_process_group('gloo', rank=int(os.environ['RANK']), world_size=int(os.environ['WORLD_SIZE']))
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None)


def trust_own_checkpoints(*trusted: str) -> None:
    """Let MMEngine load this project's own checkpoints on torch >= 2.6.

    torch now loads with ``weights_only=True``, which refuses the training state MMEngine saves (its message
    hub's history buffers and numpy scalars), so ``--resume`` and evaluating one's own checkpoint would fail.
    Files inside ``trusted`` folders, or equal to a ``trusted`` file, were written by our own runs or named
    by the user on the command line: they load in full. Every other file (downloaded pretrained weights,
    for instance) keeps torch's safe ``weights_only=True`` loading.

    Args:
        trusted: Work dirs and checkpoint files to load with ``weights_only=False``.
    """
    roots = [Path(path).expanduser().resolve() for path in trusted if path]

    @CheckpointLoader.register_scheme(prefixes='', force=True)
    def load_local_checkpoint(filename: str, map_location: str | None = None) -> dict:
        path = Path(filename).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f'checkpoint {filename} not found')
        resolved = path.resolve()
        own = any(resolved == root or resolved.is_relative_to(root) for root in roots)
        return torch.load(path, map_location=map_location, weights_only=not own)


def close_distributed() -> None:
    """Shut the process group down before exit; gloo may abort at interpreter exit if it is left open."""
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
