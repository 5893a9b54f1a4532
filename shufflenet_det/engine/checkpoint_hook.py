"""MMEngine's ``CheckpointHook`` with checkpoints that survive a kill at any moment."""

import os.path as osp
from collections.abc import Sequence
from pathlib import Path

from mmdet.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from ..core.errors import OutputPathError
from ..core.output_paths import write_error_meaning
from .atomic_files import commit, write_text

#: Prefix and suffix of a checkpoint being written; such a file is never resumed from.
TEMPORARY_PREFIX, TEMPORARY_SUFFIX = '.', '.tmp'
#: The file in the work dir naming the last complete checkpoint (MMEngine's name, read by ``--resume``).
LAST_CHECKPOINT_FILE = 'last_checkpoint'


def last_complete_checkpoint(work_dir: str | Path) -> Path | None:
    """The checkpoint ``last_checkpoint`` names in ``work_dir``, if that file and the checkpoint exist."""
    pointer = Path(work_dir) / LAST_CHECKPOINT_FILE
    named = pointer.read_text(encoding='utf-8').strip() if pointer.is_file() else ''
    return Path(named) if named and Path(named).is_file() else None


def describe_last_complete(work_dir: str | Path) -> str:
    """A sentence naming the last complete checkpoint of ``work_dir`` and how to continue from it."""
    last = last_complete_checkpoint(work_dir)
    if last is None:
        return 'No checkpoint was saved before.'
    return f'The last complete checkpoint is {last}: --resume continues from it.'


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` whose checkpoints are complete or absent, never half written.

    Every checkpoint is written to a temporary file in the same folder, flushed to the disk and renamed into
    place; then ``last_checkpoint`` is replaced the same way; only then are checkpoints beyond
    ``max_keep_ckpts`` deleted. A kill at any moment therefore leaves the last complete checkpoint, and
    ``last_checkpoint`` names a complete file. A save that fails (a full or read-only disk, Ctrl-C) deletes its
    temporary file and stops the run with an error naming the cause and the last complete checkpoint. Unlike
    ``CheckpointHook``, unknown arguments are refused when the hook is built instead of failing at the first save.
    Arguments as for ``mmengine.hooks.CheckpointHook``.
    """

    def __init__(self, interval: int = -1, by_epoch: bool = True, save_optimizer: bool = True,
                 save_param_scheduler: bool = True, out_dir: str | Path | None = None, max_keep_ckpts: int = -1,
                 save_last: bool = True, save_best: str | list[str] | None = None, rule: str | list[str] | None = None,
                 greater_keys: Sequence[str] | None = None, less_keys: Sequence[str] | None = None,
                 filename_tmpl: str | None = None, backend_args: dict | None = None,
                 published_keys: str | list[str] | None = None, save_begin: int = 0) -> None:
        super().__init__(interval=interval, by_epoch=by_epoch, save_optimizer=save_optimizer,
                         save_param_scheduler=save_param_scheduler, out_dir=out_dir, max_keep_ckpts=max_keep_ckpts,
                         save_last=save_last, save_best=save_best, rule=rule, greater_keys=greater_keys,
                         less_keys=less_keys, filename_tmpl=filename_tmpl, backend_args=backend_args,
                         published_keys=published_keys, save_begin=save_begin)

    def before_train(self, runner) -> None:
        """Set up as ``CheckpointHook`` does, and delete the temporary files of saves a kill interrupted."""
        super().before_train(runner)
        if isinstance(self.file_backend, LocalBackend) and is_main_process():
            for leftover in Path(self.out_dir).glob(f'{TEMPORARY_PREFIX}*{TEMPORARY_SUFFIX}'):
                leftover.unlink()

    def _save_checkpoint_with_step(self, runner, step: int, meta: dict) -> None:
        if not isinstance(self.file_backend, LocalBackend):  # object stores replace objects whole already
            super()._save_checkpoint_with_step(runner, step, meta)
            return
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        temporary = osp.join(self.out_dir, f'{TEMPORARY_PREFIX}{filename}{TEMPORARY_SUFFIX}')
        try:
            runner.save_checkpoint(self.out_dir, osp.basename(temporary), save_optimizer=self.save_optimizer,
                                   save_param_scheduler=self.save_param_scheduler, meta=meta, by_epoch=self.by_epoch,
                                   backend_args=self.backend_args)
            if not is_main_process():
                return
            commit(temporary, self.last_ckpt)
            write_text(osp.join(runner.work_dir, LAST_CHECKPOINT_FILE), self.last_ckpt)
        except BaseException as error:
            if is_main_process():
                Path(temporary).unlink(missing_ok=True)
            named = _named_save_error(error, self.last_ckpt, runner.work_dir)
            if named is error:
                raise
            raise named from error
        for old_step in outdated:
            old = Path(self.out_dir) / self.filename_tmpl.format(old_step)
            if old.is_file():
                old.unlink()


def _named_save_error(error: BaseException, path: str, work_dir: str) -> BaseException:
    """The error a failed save is reported as: write errors and Ctrl-C named, with the last complete checkpoint.

    MMEngine formats the config into every checkpoint, and its formatter turns a Ctrl-C into a ``SyntaxError``
    about the config; that is reported as the interruption it is.
    """
    interrupted = isinstance(error, KeyboardInterrupt) or (
        isinstance(error, SyntaxError) and isinstance(error.__context__, KeyboardInterrupt))
    if interrupted:
        return KeyboardInterrupt(f'while saving {path}, which was not saved. {describe_last_complete(work_dir)}')
    meaning = write_error_meaning(error) if isinstance(error, OSError) else None
    if meaning is not None:
        return OutputPathError(f'checkpoint {path} was not saved: {meaning}. {describe_last_complete(work_dir)}')
    return error
