"""Profile one sweep model in each requested runtime and write its breakdown tables."""

from pathlib import Path

import torch
from rich.console import Console

from ...core.project_configs import SCALES
from ...deploy.arguments import parse_size
from ..builders import build_case
from ..case import Setting
from ..rows import ModelKind, Runtime
from ..sweep import parse_runtimes, quiet_build, sweep_machine
from ..zoo import find_models
from .onnx_profile import onnx_breakdown
from .table import breakdown_markdown
from .torch_hooks import torch_breakdown

#: Input of a breakdown when none is given: the paper's classifier size, the larger detector scale.
DEFAULT_CLASSIFIER_SIZE = '224x224'
DEFAULT_DETECTOR_SCALE = 600


def breakdown_setting(key: str, text: str | None) -> Setting:
    """The setting of model ``key`` at ``text``: ``HxW`` for a classifier, a scale for a detector.

    Raises:
        ValueError: If ``text`` is not an input of that model's kind.
    """
    model = find_models([key])[0]
    if model.kind == ModelKind.CLASSIFIER:
        return Setting(model, size=parse_size(text or DEFAULT_CLASSIFIER_SIZE, min_side=32))
    if text is not None and (not text.isdigit() or int(text) not in SCALES):
        raise ValueError(f'the breakdown input of a detector is a scale, one of {SCALES}; got {text}')
    return Setting(model, scale=int(text or DEFAULT_DETECTOR_SCALE))


def profile_model(setting: Setting, runtimes: list[str], threads: int, warmup: int, runs: int,
                  out_dir: Path) -> Path:
    """Split one inference of ``setting`` by operation and by part in each runtime; print and write the tables.

    Returns:
        The written Markdown file (``out_dir/breakdown_<key>_<input>.md``).
    """
    console = Console(stderr=True)
    machine = sweep_machine(threads)
    print(machine.markdown(), flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(threads)
    with console.status(f'building {setting.label}'), quiet_build():
        case = build_case(setting)
    sections = []
    for runtime in parse_runtimes(runtimes):
        with console.status(f'profiling {setting.label} in {runtime.display_name}'):
            if runtime == Runtime.TORCH:
                result = torch_breakdown(case.model, case.torch_run, case.kind, case.name, case.input_label,
                                         warmup, runs)
            else:
                with quiet_build():
                    path = case.export_onnx(out_dir / 'onnx')
                result = onnx_breakdown(path, case.onnx_feed, threads, case.kind, case.name, case.input_label,
                                        warmup, runs, out_dir / 'onnx' / 'profiles')
        sections.append(breakdown_markdown(result, machine.label))
    text = '\n\n'.join(sections) + '\n'
    path = out_dir / f'breakdown_{case.key}_{case.scale or case.input_label}.md'
    path.write_text(machine.markdown() + '\n\n' + text)
    print(text)
    print(f'written: {path}')
    return path
