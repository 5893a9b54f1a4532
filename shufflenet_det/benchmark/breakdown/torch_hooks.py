"""Per-category time of a PyTorch inference, taken with module hooks and a stack of timed scopes.

Every module gets a scope that starts in its forward pre-hook and ends in its forward hook; a scope's own
(exclusive) time is its wall time minus its children's, so the categories add up to the whole inference.
Functions that are not modules (ShuffleNet's channel shuffle, NMS) are timed by wrapping them for the duration.
"""

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..rows import ModelKind
from . import categories as cat
from .table import Breakdown, Record, accumulate

ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.Hardswish, nn.Hardsigmoid, nn.SiLU, nn.Sigmoid, nn.GELU, nn.LeakyReLU)
POOLS = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
#: Functions timed as their own scope: (module holding the name, attribute, category).
WRAPPED_FUNCTIONS = (
    ('shufflenet_det.models.shufflenet_v1', 'channel_shuffle', cat.CHANNEL_SHUFFLE),
    ('mmcv.ops.nms', 'nms', cat.NMS),
    ('torchvision.ops.boxes', 'nms', cat.NMS),
)


class ScopeTimer:
    """Exclusive wall time of nested scopes, recorded as ``(part, op, milliseconds)``."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self._stack: list[list] = []

    @property
    def current_part(self) -> str:
        """Part of the innermost open scope (glue outside any)."""
        return self._stack[-1][0] if self._stack else cat.PART_GLUE

    def enter(self, part: str, op: str) -> None:
        """Open a scope of ``op`` in ``part``."""
        self._stack.append([part, op, time.perf_counter(), 0.0])

    def exit(self) -> None:
        """Close the innermost scope and record its exclusive time."""
        part, op, start, children = self._stack.pop()
        elapsed = time.perf_counter() - start
        self.records.append((part, op, (elapsed - children) * 1e3))
        if self._stack:
            self._stack[-1][3] += elapsed

    @contextmanager
    def scope(self, part: str, op: str) -> Iterator[None]:
        """Time the block as a scope."""
        self.enter(part, op)
        try:
            yield
        finally:
            self.exit()


def module_op(module: nn.Module, inputs: tuple) -> str:
    """Operation category of one module call (containers and custom blocks count as glue)."""
    if isinstance(module, nn.modules.conv._ConvNd):
        return cat.conv_category(inputs[0].shape[1], tuple(module.weight.shape))
    if isinstance(module, nn.Linear):
        return cat.FULLY_CONNECTED
    if isinstance(module, _BatchNorm) or type(module).__name__ == 'FrozenBatchNorm2d':
        return cat.BATCH_NORM
    if isinstance(module, ACTIVATIONS):
        return cat.ACTIVATION
    if isinstance(module, POOLS):
        return cat.POOLING
    if type(module).__name__ in ('RoIAlign', 'MultiScaleRoIAlign', 'PSRoIAlign', 'SeparableRoIAlign'):
        return cat.ROI_ALIGN
    return cat.OTHER


def hook_modules(model: nn.Module, timer: ScopeTimer, kind: ModelKind, stack: ExitStack) -> None:
    """Give every submodule of ``model`` a timed scope (removed when ``stack`` closes)."""
    for name, module in model.named_modules():
        if not name:
            continue
        scope = name.split('.')

        def pre_hook(module: nn.Module, inputs: tuple, scope: list[str] = scope) -> None:
            op = module_op(module, inputs)
            timer.enter(cat.part_of(scope, kind, op), op)

        def post_hook(module: nn.Module, inputs: tuple, output: object) -> None:
            timer.exit()

        stack.callback(module.register_forward_pre_hook(pre_hook).remove)
        stack.callback(module.register_forward_hook(post_hook).remove)


def wrap_functions(timer: ScopeTimer, stack: ExitStack) -> None:
    """Time the functions of :data:`WRAPPED_FUNCTIONS` that are importable, in their caller's part."""
    for module_name, attribute, op in WRAPPED_FUNCTIONS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        original = getattr(module, attribute)

        def timed(*args: object, original: Callable = original, op: str = op, **kwargs: object) -> object:
            with timer.scope(timer.current_part, op):
                return original(*args, **kwargs)

        stack.enter_context(mock.patch.object(module, attribute, timed))


def torch_breakdown(model: nn.Module, run: Callable[[], object], kind: ModelKind, name: str, input_label: str,
                    warmup: int, runs: int) -> Breakdown:
    """Profile ``runs`` calls of ``run`` (after ``warmup`` untimed ones) and split their time by category.

    Args:
        model: The model ``run`` calls (its modules get the timing hooks).
        run: One inference.
        kind: Classifier or detector.(decides the parts).
        name: Display name of the model.
        input_label: ``HxW`` of the input.
        warmup: Untimed calls first.
        runs: Profiled calls.
    """
    with torch.inference_mode():
        for _ in range(warmup):
            run()
        timer = ScopeTimer()
        with ExitStack() as stack:
            hook_modules(model, timer, kind, stack)
            wrap_functions(timer, stack)
            per_run = []
            for _ in range(runs):
                timer.records = []
                with timer.scope(cat.PART_GLUE, cat.OTHER):
                    run()
                per_run.append(timer.records)
    by_op, by_part = accumulate(per_run)
    return Breakdown(model=name, input_label=input_label, runtime='PyTorch eager', runs=runs, by_op=by_op,
                     by_part=by_part, notes=['module hooks add a few microseconds per module call to the times'])
