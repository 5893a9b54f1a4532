"""Counting models one after another with one setup, writing each count as soon as it is known (resumable)."""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .counts import ModelCount, read_counts, write_counts
from .cpu_models import check_cpu_model
from .emulator import count_model, qemu_version
from .provenance import provenance
from .root import copy_guest_packages, place_input, setup, write_fake_cpu_files


class ArmCounter:
    """Counts aarch64 instructions of models on one CPU model, storing every count in ``results``.

    Args:
        cpu: qemu CPU model (``max`` is refused, see :mod:`.cpu_models`).
        results: JSON file of ``{model path: count}``; counts already in it (same CPU, runtime and input) are
            reused when ``resume`` is set.
        repeats: Counted processes per model (from 2 on, they must agree).
        warmup: Uncounted inferences per process.
        resume: Reuse counts already in ``results``.
        progress: Receives progress lines.
    """

    def __init__(self, cpu: str, results: Path, repeats: int = 2, warmup: int = 1, resume: bool = True,
                 progress: Callable[[str], None] = print) -> None:
        self.cpu = check_cpu_model(cpu)
        self.results = Path(results)
        self.repeats, self.warmup, self.resume, self.progress = repeats, warmup, resume, progress
        self.root, self.plugin = setup(progress)
        copy_guest_packages(self.root)
        write_fake_cpu_files(self.root, self.cpu)
        self.emulator = f'{qemu_version()}, -cpu {self.cpu}'

    def existing(self, model: Path, runtime: str, tensor: np.ndarray, source: str) -> ModelCount | None:
        """The stored count of ``model`` made the same way, if resuming and there is one."""
        if not (self.resume and self.results.is_file()):
            return None
        entry = read_counts(self.results).get(str(model))
        if entry and (entry['cpu'], entry['runtime'], entry['input_shape'], entry['input_source']) == (
                self.cpu, runtime, list(tensor.shape), source):
            return ModelCount(**entry)
        return None

    def count(self, model: Path, runtime: str, tensor: np.ndarray, source: str) -> ModelCount:
        """Count one inference of ``model`` (the file ``runtime`` loads) on ``tensor``; store and return it."""
        stored = self.existing(model, runtime, tensor, source)
        if stored is not None:
            self.progress(f'  {model}: counted before, in {self.results} (resumed)')
            return stored
        result = count_model(self.root, self.plugin, self.cpu, runtime, model, place_input(self.root, tensor),
                             repeats=self.repeats, warmup=self.warmup, progress=self.progress,
                             input_shape=list(tensor.shape), input_source=source,
                             provenance=provenance(self.emulator, self.plugin))
        write_counts({str(model): result}, self.results)
        return result
