"""Check a config before anything is built: misspelt options and arguments fail at once, with "did you mean"."""

import difflib
import functools
import inspect
import re
from collections.abc import Iterator
from typing import Any

from mmdet import registry
from mmengine.config import Config
from mmengine.runner import Runner

from ..core.errors import ConfigError
from ..core.project_configs import config_nodes

#: Top-level keys MMEngine's runner and the tools read (everything else is a variable of the config file).
RUNNER_KEYS = frozenset(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'} | {
    'runner_type', 'custom_imports', 'model_wrapper_cfg', 'compile', 'find_unused_parameters', 'sync_bn',
    'activation_checkpointing', 'efficient_conv_bn_eval', 'auto_scale_lr', 'work_dir', 'launcher'}
#: Registries searched for a ``type``, most specific first.
REGISTRIES = (registry.MODELS, registry.TASK_UTILS, registry.HOOKS, registry.LOOPS, registry.OPTIM_WRAPPERS,
              registry.OPTIMIZERS, registry.PARAM_SCHEDULERS, registry.DATASETS, registry.TRANSFORMS,
              registry.DATA_SAMPLERS, registry.METRICS, registry.EVALUATOR, registry.VISUALIZERS,
              registry.VISBACKENDS, registry.LOG_PROCESSORS, registry.WEIGHT_INITIALIZERS, registry.MODEL_WRAPPERS)
#: Keys the builder consumes besides the constructor's arguments, by registry.
BUILDER_KEYS = {'optim_wrapper': {'constructor', 'paramwise_cfg'}, 'parameter scheduler': {'convert_to_iter_based'},
                'hook': {'priority'}}
ALWAYS_ALLOWED = {'type', '_scope_', '_delete_'}
#: Where the components whose arguments are checked sit: the detector and its main parts, the runtime's hooks,
#: loops, optimizer, schedulers, datasets and evaluators. Layer configs (norm_cfg, dcn, ...) are consumed by
#: builders with keys of their own and are not checked; the project's own classes are checked wherever they are.
CHECKED_PATHS = re.compile(
    r'model(\.(backbone|neck|rpn_head|roi_head|bbox_head|data_preprocessor)(\.(shared_head|bbox_roi_extractor|'
    r'bbox_head))?)?|default_hooks\.\w+|custom_hooks\.\d+|(train|val|test)_cfg|optim_wrapper(\.optimizer)?|'
    r'param_scheduler(\.\d+)?|(train|val|test)_dataloader\.dataset|(val|test)_evaluator(\.\d+)?')
PROJECT_PACKAGE = __name__.split('.')[0]
#: How close a new key must be to an existing one to be taken for a misspelling of it.
TYPO_CUTOFF = 0.8


def check_options(cfg: Config, options: dict[str, Any]) -> None:
    """Check ``--cfg-options`` keys against the loaded config, before they are merged.

    A key must lead through existing entries. At the top level only the runner's keys may be added, and a config
    variable (``data_root``, ``max_epochs``, ...) is refused: its value was copied where it is used when the file
    was parsed, so the message lists the keys to set instead. Below the top level a new key is refused when it is
    a likely misspelling of an existing one; new arguments of built components are checked by
    :func:`check_arguments` after merging.

    Raises:
        ConfigError: Naming the option, what is wrong and the key meant.
    """
    for option in options:
        parts = option.split('.')
        if parts[0] not in cfg:
            if parts[0] in RUNNER_KEYS:  # a runner setting the config leaves at its default, e.g. randomness
                continue
            raise ConfigError(f'--cfg-options {option}: the config has no key {parts[0]!r}'
                              f'{_suggest(parts[0], list(cfg.keys()) + sorted(RUNNER_KEYS))}')
        if parts[0] not in RUNNER_KEYS:
            raise ConfigError(_variable_message(cfg, parts[0], option))
        node, path = cfg[parts[0]], parts[0]
        for part in parts[1:]:
            if isinstance(node, list) and part.isdigit():
                if int(part) >= len(node):
                    raise ConfigError(f'--cfg-options {option}: {path} has {len(node)} entries, no [{part}]')
                node, path = node[int(part)], f'{path}.{part}'
                continue
            if not isinstance(node, dict):
                raise ConfigError(f'--cfg-options {option}: {path} is a {type(node).__name__}, not a dict')
            if part not in node:
                if 'type' not in node:
                    close = difflib.get_close_matches(part, list(node), n=1, cutoff=TYPO_CUTOFF)
                    if close:
                        raise ConfigError(f'--cfg-options {option}: {path} has no key {part!r}; did you mean '
                                          f'{close[0]!r}?')
                break
            node, path = node[part], f'{path}.{part}'


def check_arguments(cfg: Config) -> None:
    """Check every built component's keys (a dict with ``type``) against what its class accepts.

    Catches misspelt arguments in the config file and in ``--cfg-options`` alike before anything is built: a
    hook, loop or optimizer argument fails at the start instead of at its first use. Checked are the components
    at :data:`CHECKED_PATHS` and the project's own classes anywhere; types that cannot be found in MMDetection's
    registries, and classes that accept any keyword, are left to their own checks.

    Raises:
        ConfigError: Naming the key, the class, and the closest argument it takes.
    """
    for path, node in _typed_dicts(cfg._cfg_dict.to_dict(), ''):
        found = _resolve(node['type'])
        if found is None:
            continue
        registry_name, target = found
        if not (CHECKED_PATHS.fullmatch(path) or getattr(target, '__module__', '').startswith(PROJECT_PACKAGE)):
            continue
        accepted = _accepted_arguments(target)
        if accepted is None:
            continue
        accepted |= ALWAYS_ALLOWED | BUILDER_KEYS.get(registry_name, set())
        for key in node:
            if key not in accepted:
                name = getattr(target, '__name__', str(target))
                choices = sorted(accepted - ALWAYS_ALLOWED)
                raise ConfigError(f'{path}.{key}: {name} takes no argument {key!r}{_suggest(key, choices)}; its '
                                  f'arguments are {", ".join(choices)}')


def _variable_message(cfg: Config, key: str, option: str) -> str:
    value = cfg[key]
    nodes = config_nodes(cfg._cfg_dict.to_dict())
    users = [path for path, node in nodes if '.' in path and _took(path, node, key, value)]
    where = (f'set the keys that took its value instead: {", ".join(users)}' if users else
             'set the keys it was used for in the config file instead')
    return (f'--cfg-options {option}: {key!r} is a variable of the config file, read once when the file was parsed, '
            f'so changing it now changes nothing; {where}')


def _took(path: str, node: Any, key: str, value: Any) -> bool:
    """Whether ``node`` at ``path`` took the value of variable ``key``.

    A string counts when it starts with the value (``data_root + 'annotations/...'``), a dict or list when it is
    equal; a number only under the variable's own name (``train_cfg.max_epochs``), since equal numbers are common.
    """
    if isinstance(value, str):
        return isinstance(node, str) and bool(value) and node.startswith(value)
    if isinstance(value, dict | list | tuple):
        return type(node) is type(value) and node == value
    return path.rsplit('.', 1)[-1] == key and type(node) is type(value) and node == value


def _typed_dicts(node: Any, path: str) -> Iterator[tuple[str, dict]]:
    for where, child in config_nodes(node, path):
        if isinstance(child, dict) and 'type' in child:
            yield where, child


def _resolve(kind: Any) -> tuple[str, Any] | None:
    """The registry name and class (or function) of a ``type`` value, or None if it is not found unambiguously."""
    if callable(kind):
        return '', kind
    return _resolve_name(kind) if isinstance(kind, str) else None


@functools.cache
def _resolve_name(kind: str) -> tuple[str, Any] | None:
    found = {}
    for candidate in REGISTRIES:
        target = candidate.get(kind)
        if target is not None:
            found.setdefault(target, candidate.name)
    return next(((name, target) for target, name in found.items()), None) if len(found) == 1 else None


def _accepted_arguments(target: Any) -> set[str] | None:
    """The keyword arguments ``target`` accepts; None if it takes any.

    A class whose ``__init__`` takes ``**kwargs`` passes them up its hierarchy (possibly to any base, as with
    multiple inheritance), so it accepts the arguments of every base; it takes any keyword if no base is closed.
    """
    if not inspect.isclass(target):
        return _parameters(target)
    initializers = [vars(klass)['__init__'] for klass in target.__mro__[:-1] if '__init__' in vars(klass)]
    if not initializers:
        return None
    own = _parameters(initializers[0])
    if own is not None:
        return own
    if all(_parameters(initializer) is None for initializer in initializers):
        return None
    return set().union(*(_named(initializer) for initializer in initializers))


def _parameters(function: Any) -> set[str] | None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    if any(parameter.kind is parameter.VAR_KEYWORD for parameter in signature.parameters.values()):
        return None
    return _named(function)


def _named(function: Any) -> set[str]:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}


def _suggest(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    return f' (did you mean {close[0]!r}?)' if close else ''
