"""Run-time helpers shared by the train and test tools: config loading and checks, CPU launchers, error reports."""

import ast
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..core.errors import ConfigError, ShufflenetDetError
from ..core.output_paths import check_writable_folder, write_error_message
from ..engine import check_arguments, check_detector_channels, check_options
from ..engine.resume import check_resume_fits

#: Where each MMEngine launcher gives a process its rank before the process group exists.
RANK_VARIABLES = {'pytorch': 'RANK', 'slurm': 'SLURM_PROCID', 'mpi': 'OMPI_COMM_WORLD_RANK'}
#: The exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED_STATUS = 130


def load_run_config(config: str, cfg_options: dict | None, work_dir: str | None, launcher: str) -> Config:
    """Load a config as MMDetection's train and test tools do, and check it before anything is built.

    Args:
        config: Config file path.
        cfg_options: ``--cfg-options`` overrides, merged into the config.
        work_dir: ``--work-dir``; without it the config's own, else ``work_dirs/<config name>``.
        launcher: ``--launcher``, stored in the config for MMEngine.

    Returns:
        The config, ready for ``Runner.from_cfg``.

    Raises:
        FileNotFoundError: If the config file does not exist.
        ConfigError: For a syntax error in the config or a file it inherits from, an option key the config does not
            have, a config variable that can no longer take effect, an argument a component does not take (each
            with the key meant), or a batch size below 1.
        OutputPathError: If the work dir cannot be written (a file, under a file, read-only).
    """
    if not Path(config).is_file():
        raise FileNotFoundError(f'config {config} not found')
    cfg = read_config(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        check_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
    check_arguments(cfg)
    check_batch_sizes(cfg)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = str(Path('work_dirs') / Path(config).stem)
    check_writable_folder(cfg.work_dir, '--work-dir' if work_dir is not None else 'work_dir')
    return cfg


def read_config(config: str) -> Config:
    """``Config.fromfile``, with a syntax error in the file or one it inherits from named as a ``ConfigError``."""
    try:
        return Config.fromfile(config)
    except SyntaxError as error:
        where, detail = _first_syntax_error(Path(config)) or (Path(config), error)
        line = f' at line {detail.lineno}' if detail.lineno else ''
        text = f': {detail.text.strip()}' if detail.text else ''
        raise ConfigError(f'config {where} has a syntax error{line}: {detail.msg}{text}') from None


def _first_syntax_error(path: Path) -> tuple[Path, SyntaxError] | None:
    """The first file with a syntax error among ``path`` and the local files it inherits from (``_base_``)."""
    try:
        tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    except SyntaxError as error:
        return path, error
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == '_base_' for target in node.targets):
            try:
                bases = ast.literal_eval(node.value)
            except ValueError:
                return None
            for base in [bases] if isinstance(bases, str) else bases:
                base_path = path.parent / base if isinstance(base, str) and '::' not in base else None
                if base_path is not None and base_path.is_file():
                    found = _first_syntax_error(base_path)
                    if found:
                        return found
    return None


def check_batch_sizes(cfg: Config) -> None:
    """Refuse a data loader batch size that is not a whole number of at least 1.

    Raises:
        ConfigError: Naming the key and its value.
    """
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        settings = cfg.get(loader)
        size = settings.get('batch_size', 1) if isinstance(settings, dict) else 1
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigError(f'{loader}.batch_size is {size!r}: it must be a whole number of images of at least 1 '
                              f'(per process), e.g. --cfg-options {loader}.batch_size=2')


def launcher_rank(launcher: str) -> int:
    """This process's rank under ``launcher`` (0 without one), known before the process group starts."""
    variable = RANK_VARIABLES.get(launcher)
    return int(os.environ.get(variable, '0')) if variable else 0


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


def build_runner(cfg: Config) -> Runner:
    """Build MMEngine's runner for ``cfg``; check the detector's channels and resumed checkpoint before anything runs.

    Raises:
        ConfigError: If the backbone's channels differ from the neck's or heads' ``in_channels``.
        CheckpointMismatchError: If the run resumes from a checkpoint of another model.
    """
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    check_detector_channels(unwrapped(runner.model))
    if cfg.get('resume') and cfg.get('load_from'):
        check_resume_fits(unwrapped(runner.model), cfg.load_from)
    return runner


def unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    """The model inside MMEngine's (distributed) data-parallel wrapper, or ``model`` itself."""
    return model.module if is_model_wrapper(model) else model


@contextmanager
def reported_errors(debug: bool) -> Iterator[None]:
    """Turn this project's errors, missing files and failed writes into ``error: <message>`` and exit status 1.

    A failed write is named by its cause (a full disk, a read-only file system, no permission). Ctrl-C is reported
    as an interruption with exit status 130, also where MMEngine's config formatter turned it into a
    ``SyntaxError``. The traceback still goes to the run's log file when there is one, and to the screen with
    ``debug``.

    Args:
        debug: Re-raise the error with its traceback instead.
    """
    try:
        yield
    except (ShufflenetDetError, FileNotFoundError) as error:
        if debug:
            raise
        _log_traceback_to_files(error)
        raise SystemExit(f'error: {error}') from None
    except OSError as error:
        message = write_error_message(error)
        if debug or message is None:
            raise
        _log_traceback_to_files(error)
        raise SystemExit(f'error: {message}') from None
    except (KeyboardInterrupt, SyntaxError) as error:
        interrupted = isinstance(error, KeyboardInterrupt) or isinstance(error.__context__, KeyboardInterrupt)
        if debug or not interrupted:
            raise
        _log_traceback_to_files(error)
        detail = f' {error}' if isinstance(error, KeyboardInterrupt) and str(error) else ''
        print(f'error: interrupted (Ctrl-C){detail}', file=sys.stderr, flush=True)
        raise SystemExit(INTERRUPTED_STATUS) from None


def _log_traceback_to_files(error: BaseException) -> None:
    logger = MMLogger.get_current_instance()
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 0, f'{type(error).__name__}: {error}', None,
                               (type(error), error, error.__traceback__))
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)


def close_distributed() -> None:
    """Shut the process group down before exit; gloo may abort at interpreter exit if it is left open."""
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
