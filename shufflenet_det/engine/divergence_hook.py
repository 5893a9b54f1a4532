"""Stop a training at its first NaN or infinite loss or gradient, before the weights are stepped or saved."""

import math

import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmengine.runner import EpochBasedTrainLoop

from ..checkpoints.finite_weights import LISTED_NAMES, describe_non_finite, non_finite_tensors
from ..core.errors import TrainingDivergedError
from .checkpoint_hook import last_complete_checkpoint


@HOOKS.register_module()
class StopOnDivergenceHook(Hook):
    """Stop training with :class:`TrainingDivergedError` at the first non-finite loss, gradient or saved weight.

    Before every optimizer step the gradients are checked: if one is NaN or infinite, the step is skipped (the
    gradients are dropped), so the weights stay those of the last good step. After the iteration the training
    stops, naming the iteration, what was not finite and the last good checkpoint; no checkpoint of the diverged
    weights is saved, so ``max_keep_ckpts`` never deletes a good one in its favour. A checkpoint about to be saved
    is checked too (weights and buffers), the last guard. Steps that mixed precision's loss scaler skips itself
    (an overflow at too high a scale) are not divergence and pass.
    """

    priority = 'ABOVE_NORMAL'  # after_train_iter runs before the logger's and the checkpoint hook's

    def __init__(self) -> None:
        self._handles: list = []
        self._bad_gradients: list[str] = []

    def before_train(self, runner) -> None:
        """Watch the gradients before every optimizer step."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        names = {id(parameter): name for name, parameter in model.named_parameters()}
        wrappers = runner.optim_wrapper.values() if isinstance(runner.optim_wrapper, OptimWrapperDict) else [
            runner.optim_wrapper]
        for wrapper in wrappers:
            self._handles.append(wrapper.optimizer.register_step_pre_hook(
                lambda optimizer, args, kwargs: self._skip_non_finite_step(optimizer, names)))

    def after_train(self, runner) -> None:
        """Stop watching the optimizers."""
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: dict | None = None) -> None:
        """Stop with a named error if this iteration's loss or gradients were not finite.

        Raises:
            TrainingDivergedError: Naming the iteration, the non-finite values and the last good checkpoint.
        """
        losses = {key: float(value.detach()) if isinstance(value, torch.Tensor) else float(value)
                  for key, value in (outputs or {}).items() if 'loss' in key}
        bad_losses = {key: value for key, value in losses.items() if not math.isfinite(value)}
        if bad_losses:
            parts = ', '.join(f'{key}={value}' for key, value in bad_losses.items() if key != 'loss')
            what = f'the loss is {losses.get("loss", "not finite")}' + (f' ({parts})' if parts else '')
        elif self._bad_gradients:
            listed = ', '.join(self._bad_gradients[:LISTED_NAMES])
            more = ', ...' if len(self._bad_gradients) > LISTED_NAMES else ''
            what = (f'the gradients of {len(self._bad_gradients)} parameters are nan or inf ({listed}{more}) while '
                    f'the loss is {losses.get("loss", "finite")}')
        else:
            return
        raise TrainingDivergedError(f'training diverged at {_where(runner, batch_idx)}: {what}; stopped before these '
                                    f'weights were stepped or saved. {_what_to_do(runner)}')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse to save weights or buffers holding NaN or infinite values.

        Raises:
            TrainingDivergedError: Naming the tensors and the last good checkpoint.
        """
        state_dict = checkpoint['state_dict']
        names = non_finite_tensors(state_dict)
        if names:
            raise TrainingDivergedError(
                f'training diverged by iteration {runner.iter}: the weights to save hold '
                f'{describe_non_finite(state_dict, names)}; they were not saved. {_what_to_do(runner)}')

    def _skip_non_finite_step(self, optimizer: torch.optim.Optimizer, names: dict[int, str]) -> None:
        """Drop all gradients when one is not finite, so that the optimizer step leaves the weights unchanged."""
        parameters = [parameter for group in optimizer.param_groups for parameter in group['params']
                      if parameter.grad is not None]
        if not parameters or torch.isfinite(torch.nn.utils.get_total_norm([p.grad for p in parameters])):
            return
        self._bad_gradients = [names.get(id(parameter), '?') for parameter in parameters
                               if not torch.isfinite(parameter.grad).all()]
        for parameter in parameters:
            parameter.grad = None


def _where(runner, batch_idx: int) -> str:
    """``'iteration 7 (epoch 2, iteration 3 of 4)'``, 1-based, as the log counts them."""
    where = f'iteration {runner.iter + 1}'
    loop = runner.train_loop
    if isinstance(loop, EpochBasedTrainLoop):
        where += f' (epoch {runner.epoch + 1}, iteration {batch_idx + 1} of {len(loop.dataloader)})'
    return where



def _what_to_do(runner) -> str:
    """The last good checkpoint, and how to train again with a lower learning rate or clipped gradients."""
    last = last_complete_checkpoint(runner.work_dir)
    wrappers = list(runner.optim_wrapper.values()) if isinstance(runner.optim_wrapper, OptimWrapperDict) else [
        runner.optim_wrapper]
    rates = sorted({group['lr'] for wrapper in wrappers for group in wrapper.optimizer.param_groups})
    clipped = all(getattr(wrapper, 'clip_grad_kwargs', None) for wrapper in wrappers)
    start_from = f', or with --cfg-options load_from={last} to keep its weights' if last else ''
    return ((f'The last good checkpoint is {last}; --resume continues from it with the learning rate saved in it. '
             if last else 'No checkpoint was saved before. ')
            + f'The learning rate was {", ".join(f"{rate:.3g}" for rate in rates)}: start a new run with a lower '
            f'optim_wrapper.optimizer.lr (from scratch{start_from})'
            + ('' if clipped else ', or clip the gradients (optim_wrapper.clip_grad.max_norm=10)') + '.')
