"""Pick the checkpoint ``--resume`` continues from: the newest one that loads, never a half-written one."""

import logging
import re
from pathlib import Path

from mmengine.config import Config
from mmengine.logging import print_log
from torch import nn

from ..checkpoints.finite_weights import check_finite_weights
from ..checkpoints.keys import CheckpointMismatchError, compare_layout
from ..checkpoints.loading import DATA_PARALLEL_PREFIX, read_checkpoint
from ..core.errors import CheckpointFileError
from .checkpoint_hook import LAST_CHECKPOINT_FILE

#: What MMEngine's ``Runner.resume`` reads from a checkpoint.
TRAINING_STATE_KEYS = ('meta', 'state_dict', 'message_hub')
#: Names ``CheckpointHook`` gives its checkpoints, with the epoch or iteration number.
CHECKPOINT_NAME = re.compile(r'(?:epoch|iter)_(\d+)\.pth')


def check_resumable(path: str | Path) -> None:
    """Check that ``path`` is a complete training checkpoint (weights, meta and message hub) with finite weights.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        CheckpointFileError: If it does not load, lacks the training state ``--resume`` needs, or holds NaN or
            infinite weights.
    """
    checkpoint = read_checkpoint(path)
    missing = [key for key in TRAINING_STATE_KEYS if not isinstance(checkpoint, dict) or key not in checkpoint]
    if missing:
        raise CheckpointFileError(f'checkpoint {path} has no {", ".join(missing)}: it holds weights, not the training '
                                  'state a run resumes from; to start a new run from its weights set load_from='
                                  f'{path} (without --resume)')
    check_finite_weights(checkpoint['state_dict'], f'checkpoint {path}', 'the training diverged before it was '
                         'saved: resume from an earlier checkpoint of the run')


def check_resume_fits(model: nn.Module, path: str | Path) -> None:
    """Check that the checkpoint a run resumes from was written by a model of the same layout as ``model``.

    MMEngine loads a resumed model's weights leniently (warnings only) and then fails in the optimizer with a
    message that names neither the checkpoint nor the cause; this check names both first.

    Raises:
        CheckpointMismatchError: Listing the missing, unexpected and mis-shaped keys.
    """
    state_dict = read_checkpoint(path)['state_dict']
    if state_dict and all(key.startswith(DATA_PARALLEL_PREFIX) for key in state_dict):
        state_dict = {key[len(DATA_PARALLEL_PREFIX):]: value for key, value in state_dict.items()}
    difference = compare_layout(state_dict, {key: tuple(value.shape) for key, value in model.state_dict().items()})
    if not difference.fits:
        raise CheckpointMismatchError(
            f'this {type(model).__name__} ({path}, the checkpoint --resume continues from)', difference,
            '--resume continues a run of the same config; this checkpoint was written by another config (architecture,'
            ' width, groups or number of classes): resume with the config that wrote it, or give this run another '
            '--work-dir.')


def candidates(work_dir: Path) -> list[Path]:
    """The checkpoint ``last_checkpoint`` names, then the work dir's ``epoch_N``/``iter_N`` files, newest first."""
    found = []
    pointer = work_dir / LAST_CHECKPOINT_FILE
    if pointer.is_file():
        named = pointer.read_text(encoding='utf-8').strip()
        if named:
            found.append(Path(named))
    numbered = [path for path in work_dir.glob('*.pth') if CHECKPOINT_NAME.fullmatch(path.name)]
    numbered.sort(key=lambda path: (int(CHECKPOINT_NAME.fullmatch(path.name).group(1)), path.stat().st_mtime),
                  reverse=True)
    return found + [path for path in numbered if path not in found]


def find_resume_checkpoint(work_dir: str | Path) -> Path | None:
    """The newest checkpoint of ``work_dir`` that loads completely, with a warning for each newer one skipped.

    Returns:
        The checkpoint, or None when the work dir holds none that loads.
    """
    skipped = []
    for path in candidates(Path(work_dir)):
        try:
            check_resumable(path)
        except (FileNotFoundError, CheckpointFileError) as error:
            skipped.append(str(error).split('; ')[0])
            continue
        if skipped:
            print_log(f'--resume: skipped {len(skipped)} newer checkpoint(s) that do not load ({"; ".join(skipped)});'
                      f' resuming from {path}, the newest intact one', logger='current', level=logging.WARNING)
        return path
    if skipped:
        print_log(f'--resume: no checkpoint in {work_dir} loads ({"; ".join(skipped)})', logger='current',
                  level=logging.WARNING)
    return None


def configure_resume(cfg: Config, resume: str | None) -> None:
    """Set ``cfg.resume`` and ``cfg.load_from`` for the ``--resume`` argument.

    Args:
        cfg: The run's config, changed in place.
        resume: None (no ``--resume``), ``'auto'`` (the newest intact checkpoint of the work dir) or a path.

    Raises:
        FileNotFoundError: If ``resume`` is a path that does not exist.
        CheckpointFileError: If the named checkpoint does not load or holds no training state.
    """
    if resume is None:
        return
    if resume != 'auto':
        if not Path(resume).expanduser().is_file():
            raise FileNotFoundError(f'--resume {resume}: no such checkpoint file; give an existing one, or --resume '
                                    f'alone for the newest checkpoint in the work dir {cfg.work_dir}')
        check_resumable(resume)
        cfg.resume, cfg.load_from = True, resume
        return
    found = find_resume_checkpoint(cfg.work_dir)
    if found is None:
        print_log(f'--resume: no checkpoint to resume from in {cfg.work_dir}; training starts from the beginning',
                  logger='current', level=logging.WARNING)
        cfg.resume, cfg.load_from = False, None
    else:
        cfg.resume, cfg.load_from = True, str(found)
