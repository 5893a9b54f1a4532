"""Describe the machine a benchmark ran on (CPU, board, cores, governor, runtime versions), without torch."""

import importlib.metadata
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

#: ARM Ltd. (implementer 0x41) core part numbers, from the Linux kernel's arch/arm64/include/asm/cputype.h.
ARM_CORE_PARTS = {
    '0xd03': 'Cortex-A53', '0xd04': 'Cortex-A35', '0xd05': 'Cortex-A55', '0xd07': 'Cortex-A57',
    '0xd08': 'Cortex-A72', '0xd09': 'Cortex-A73', '0xd0a': 'Cortex-A75', '0xd0b': 'Cortex-A76',
    '0xd0c': 'Neoverse-N1', '0xd0d': 'Cortex-A77', '0xd40': 'Neoverse-V1', '0xd41': 'Cortex-A78',
    '0xd44': 'Cortex-X1', '0xd46': 'Cortex-A510', '0xd47': 'Cortex-A710', '0xd48': 'Cortex-X2',
    '0xd49': 'Neoverse-N2', '0xd4b': 'Cortex-A78C', '0xd4d': 'Cortex-A715', '0xd4e': 'Cortex-X3',
    '0xd4f': 'Neoverse-V2', '0xd80': 'Cortex-A520', '0xd81': 'Cortex-A720', '0xd82': 'Cortex-X4',
    '0xd84': 'Neoverse-V3', '0xd85': 'Cortex-X925', '0xd87': 'Cortex-A725',
}
ARM_IMPLEMENTER = '0x41'
#: Files naming the board or instance: device tree (Raspberry Pi, most ARM boards), DMI (EC2 and other servers).
BOARD_FILES = ('/proc/device-tree/model', '/sys/firmware/devicetree/base/model',
               '/sys/devices/virtual/dmi/id/product_name')
GOVERNOR_FILE = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'
ARM_ARCHITECTURES = ('aarch64', 'arm64', 'armv7l', 'armv8l')


def read_cpuinfo(path: str | Path = '/proc/cpuinfo') -> list[dict[str, str]]:
    """The processor blocks of ``/proc/cpuinfo`` as dicts with lower-case keys (empty when unreadable)."""
    try:
        text = Path(path).read_text(encoding='utf-8', errors='replace')
    except OSError:
        return []
    blocks = []
    for chunk in text.split('\n\n'):
        fields = {}
        for line in chunk.splitlines():
            key, separator, value = line.partition(':')
            if separator:
                fields[key.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def cpu_model(blocks: list[dict[str, str]]) -> str:
    """The CPU model: x86 ``model name``, ARM core names from part numbers (big.LITTLE: each kind with its count).

    Falls back to ``platform.processor()`` / ``platform.machine()`` when ``/proc/cpuinfo`` says nothing useful.
    """
    names = [block['model name'] for block in blocks if block.get('model name')]
    if names:
        return names[0]
    cores: dict[str, int] = {}
    for block in blocks:
        if 'cpu part' in block:
            implementer, part = block.get('cpu implementer', '?').lower(), block['cpu part'].lower()
            name = (ARM_CORE_PARTS.get(part, f'ARM part {part}') if implementer == ARM_IMPLEMENTER
                    else f'implementer {implementer} part {part}')
            cores[name] = cores.get(name, 0) + 1
    if cores:
        return ' + '.join(f'{count}x {name}' for name, count in cores.items())
    hardware = next((block['hardware'] for block in blocks if block.get('hardware')), '')
    return hardware or platform.processor() or platform.machine() or 'unknown CPU'


def _first_readable(paths: tuple[str, ...]) -> str | None:
    for path in paths:
        try:
            text = Path(path).read_text(encoding='utf-8', errors='replace').strip('\x00\n ')
        except OSError:
            continue
        if text:
            return text
    return None


def package_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the distributions ``names`` (those not installed are left out)."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


@dataclass(frozen=True)
class Machine:
    """The hardware and software a run happened on, so that every figure carries its origin.

    Attributes:
        cpu: CPU model (x86 model name, or ARM core names from their part numbers).
        architecture: Machine architecture (``x86_64``, ``aarch64``, ...).
        board: Board or instance name (device tree, DMI), or None.
        logical_cpus: Logical CPUs of the machine.
        usable_cpus: Logical CPUs this process may run on (its affinity mask).
        governor: CPU frequency governor, or None.
        system: Operating system and kernel.
        python: Python version.
        threads: Intra-op threads each runtime was given (one inter-op thread, sequential execution).
        emulated: How the CPU is emulated (e.g. ``'qemu-user 7.2 on x86_64'``), or None on real hardware. An
            emulated run's timings are not timings of the emulated CPU.
        versions: Versions of the packages that decide the speed (onnxruntime and numpy at least).
        torch_cpu_capability: The vector instruction set torch dispatches to (``AVX512``, ...), when torch ran.
    """

    cpu: str
    architecture: str
    board: str | None
    logical_cpus: int
    usable_cpus: int
    governor: str | None
    system: str
    python: str
    threads: int
    emulated: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    torch_cpu_capability: str | None = None

    @property
    def is_arm(self) -> bool:
        """Whether the CPU is an ARM CPU."""
        return self.architecture.lower() in ARM_ARCHITECTURES

    @property
    def label(self) -> str:
        """One line naming the CPU, architecture, board or emulation, and threads (table headers, plot titles)."""
        where = [f'EMULATED by {self.emulated}, not a real {self.architecture} CPU'] if self.emulated else []
        where += [self.board] if self.board and not self.emulated else []
        plural = 's' if self.threads != 1 else ''
        return f'{self.cpu} ({"; ".join([self.architecture] + where)}), {self.threads} thread{plural}'

    def to_dict(self) -> dict:
        """The description as plain data (for JSON), with its label."""
        return {**asdict(self), 'label': self.label, 'is_arm': self.is_arm}

    def markdown(self) -> str:
        """A few Markdown lines stating the machine and the runtime versions."""
        versions = ', '.join(f'{name} {version}' for name, version in self.versions.items())
        capability = f'; torch CPU capability {self.torch_cpu_capability}' if self.torch_cpu_capability else ''
        return (f'Machine: **{self.label}**; {self.usable_cpus} of {self.logical_cpus} logical CPUs usable; '
                f'{self.system}; Python {self.python}{capability}.\n'
                f'Runtimes: {versions}.')


def describe_machine(threads: int, emulated: str | None = None, packages: tuple[str, ...] = ()) -> Machine:
    """Describe this machine for a run that gives each runtime ``threads`` threads.

    Args:
        threads: Intra-op threads of the run.
        emulated: How the CPU is emulated, or None on real hardware.
        packages: Distributions whose versions to record besides onnxruntime and numpy (torch, mmcv, ...).
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1
    return Machine(cpu=cpu_model(read_cpuinfo()), architecture=platform.machine(), board=_first_readable(BOARD_FILES),
                   logical_cpus=os.cpu_count() or 1, usable_cpus=usable, governor=_first_readable((GOVERNOR_FILE, )),
                   system=f'{platform.system()} {platform.release()}', python=platform.python_version(),
                   threads=threads, emulated=emulated,
                   versions={'onnxruntime': ort.__version__, 'numpy': np.__version__, **package_versions(packages)})
