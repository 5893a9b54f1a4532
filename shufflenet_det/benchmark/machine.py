"""Describe the machine a sweep ran on, so every figure carries its origin.

The CPU name comes from the device runner's :mod:`shufflenet_det.deploy.machine` (x86 model names, ARM core
names from part numbers); this module adds what a PyTorch + ONNX Runtime sweep needs besides.
"""

import importlib.metadata
import os
import platform
from dataclasses import asdict, dataclass, field

from ..deploy.machine import cpu_model, read_cpuinfo

ARM_ARCHITECTURES = ('aarch64', 'arm64', 'armv7l', 'armv8l')
#: Packages whose versions decide the speed of a run.
RUNTIME_PACKAGES = ('torch', 'torchvision', 'onnxruntime', 'onnx', 'numpy', 'mmcv', 'mmdet')


@dataclass
class Machine:
    """The hardware and software one sweep ran on.

    Attributes:
        cpu: CPU model name as the operating system reports it.
        architecture: Machine architecture (``x86_64``, ``aarch64``, ...).
        logical_cpus: Logical CPUs of the machine.
        usable_cpus: Logical CPUs this process may run on (its affinity mask).
        system: Operating system and kernel.
        python: Python version.
        torch_cpu_capability: The vector instruction set torch dispatches to (``AVX512``, ``DEFAULT``, ...).
        versions: Installed versions of the packages that decide the speed.
        threads: Threads each runtime was given.
    """

    cpu: str
    architecture: str
    logical_cpus: int
    usable_cpus: int
    system: str
    python: str
    torch_cpu_capability: str
    threads: int
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def is_arm(self) -> bool:
        """Whether the CPU is an ARM CPU."""
        return self.architecture.lower() in ARM_ARCHITECTURES

    @property
    def label(self) -> str:
        """Short label naming the CPU, architecture and threads, for table headers and plot titles."""
        plural = 's' if self.threads != 1 else ''
        return f'{self.cpu} ({self.architecture}), {self.threads} thread{plural}'

    def to_dict(self) -> dict:
        """The description as plain data (for JSON), including the label."""
        return {**asdict(self), 'label': self.label, 'is_arm': self.is_arm}

    def markdown(self) -> str:
        """A few Markdown lines stating the machine and the runtime versions."""
        versions = ', '.join(f'{name} {version}' for name, version in self.versions.items())
        return (f'Machine: **{self.label}**; {self.usable_cpus} of {self.logical_cpus} logical CPUs usable; '
                f'{self.system}; Python {self.python}; torch CPU capability {self.torch_cpu_capability}.\n'
                f'Runtimes: {versions}.')


def package_versions(names: tuple[str, ...] = RUNTIME_PACKAGES) -> dict[str, str]:
    """Installed versions of ``names`` (packages that are not installed are left out)."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def describe_machine(threads: int) -> Machine:
    """Describe this machine for a run that gives each runtime ``threads`` threads."""
    import torch

    usable = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1
    return Machine(cpu=cpu_model(read_cpuinfo()), architecture=platform.machine(), logical_cpus=os.cpu_count() or 1,
                   usable_cpus=usable, system=f'{platform.system()} {platform.release()}',
                   python=platform.python_version(),
                   torch_cpu_capability=torch.backends.cpu.get_cpu_capability(), threads=threads,
                   versions=package_versions())
