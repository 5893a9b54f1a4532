"""Count one model: pairs of guest processes under ``qemu-aarch64`` with the counting plugin."""

import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ShufflenetDetError
from .counts import LONG_RUNS, ModelCount
from .root import guest_command, guest_env, qemu_binary


class GuestRunError(ShufflenetDetError, RuntimeError):
    """The counted program failed inside the emulated root."""


@dataclass(frozen=True)
class CountedRun:
    """One guest process: its instruction count, the count at each mark, and the runtime's version."""

    instructions: int
    marks: list[int]
    runtime_version: str
    seconds: float


def qemu_version() -> str:
    """``qemu-aarch64 version 7.2.22 (...)``, the first line of ``qemu-aarch64 --version``."""
    return subprocess.run([qemu_binary(), '--version'], text=True, capture_output=True).stdout.splitlines()[0]


def counted_run(root: Path, plugin: Path, cpu: str, runtime: str, model: Path, tensor: str, runs: int,
                warmup: int, threads: int) -> CountedRun:
    """Run the guest program once under the plugin and return its whole-process instruction count.

    Raises:
        GuestRunError: With the guest's last output lines when it fails.
    """
    # every path and the working folder are the same in all processes: their lengths change the count
    return guest_run(root, plugin, cpu, ['--runtime', runtime, '--model', str(model.resolve()), '--input', tensor,
                                         '--runs', str(runs), '--warmup', str(warmup), '--threads', str(threads)],
                     f'{runtime} on {model}')


def guest_run(root: Path, plugin: Path, cpu: str, guest_arguments: list[str], what: str) -> CountedRun:
    """Run :mod:`.guest` with ``guest_arguments`` under the plugin; return its count and marks.

    Raises:
        GuestRunError: With the guest's last output lines when it fails.
    """
    with tempfile.TemporaryDirectory(prefix='arm-count-') as folder:
        out = Path(folder) / 'count.txt'
        arguments = ['-m', 'shufflenet_det.armcount.guest', *guest_arguments]
        command = guest_command(root, cpu, arguments, ['-plugin', f'{plugin},out={out}', '-d', 'plugin'])
        start = time.perf_counter()
        process = subprocess.run(command, text=True, capture_output=True, env=guest_env(), cwd=root)
        seconds = time.perf_counter() - start
        if process.returncode != 0 or not out.is_file():
            tail = '\n'.join((process.stdout + process.stderr).strip().splitlines()[-12:])
            raise GuestRunError(f'{what} failed under emulation (exit {process.returncode}):\n{tail}')
        lines = dict(line.split(maxsplit=1) for line in out.read_text().splitlines() if ' ' in line)
        instructions, marks = int(lines['instructions']), [int(value) for value in lines.get('marks', '').split()]
    printed = [line for line in process.stdout.splitlines() if line.startswith('{')]
    return CountedRun(instructions, marks, json.loads(printed[-1])['runtime_version'], seconds)


def count_model(root: Path, plugin: Path, cpu: str, runtime: str, model: Path, tensor: str, *, repeats: int = 2,
                warmup: int = 1, threads: int = 1, progress: Callable[[str], None] = print,
                **fields: object) -> ModelCount:
    """Per-inference instructions of ``model``, counted in ``repeats`` processes of 3 marked inferences each.

    Args:
        root: The aarch64 root (:func:`~.root.setup`).
        plugin: The counting plugin.
        cpu: qemu CPU model (checked by :func:`~.cpu_models.check_cpu_model`).
        runtime: ``onnxruntime``, ``mnn`` or ``ncnn``.
        model: The file the runtime loads.
        tensor: float32 NCHW ``.npy`` input, as the guest names it (:func:`~.root.place_input`).
        repeats: Counted processes; the second and later check that the count repeats.
        warmup: Uncounted inferences in every process before the counted ones.
        threads: Runtime threads (1: the count is exact only for a single-threaded guest).
        progress: Receives one line per finished process.
        fields: Stored in the result (input description, provenance).
    """
    processes, version = [], ''
    for index in range(repeats):
        run = counted_run(root, plugin, cpu, runtime, model, tensor, LONG_RUNS, warmup, threads)
        processes.append({'total': run.instructions, 'marks': run.marks})
        version = run.runtime_version
        progress(f'  process {index + 1}/{repeats}: {warmup} warm-up + {LONG_RUNS} inferences, '
                 f'{run.instructions:,} instructions in all ({run.seconds:.0f} s under emulation)')
    return ModelCount.from_processes(processes, cpu=cpu, runtime=runtime, runtime_version=version, threads=threads,
                                     warmup=warmup, model_file=str(model), **fields)
