"""Run-time adjustments shared by the train and test tools."""

import os

import torch
import torch.distributed as dist
from mmengine.config import Config


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
