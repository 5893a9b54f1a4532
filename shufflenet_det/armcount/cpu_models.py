"""The CPU models an instruction count may emulate, and why qemu's default one is refused."""

from ..core.errors import ShufflenetDetError

#: qemu CPU models the counts are made for: a Raspberry Pi 4 core and a Raspberry Pi 5 core.
CPU_MODELS = ('cortex-a72', 'cortex-a76')
DEFAULT_CPU = 'cortex-a72'
#: Why ``max`` (qemu's default) is refused.
MAX_REFUSAL = ("qemu's 'max' CPU exposes SVE2 and SME, which no phone or board of the paper's class has; "
               'ONNX Runtime then takes its SME kernels and the count describes code no such core runs. '
               'Pin a real core: '
               + ' or '.join(f'--cpu {name}' for name in CPU_MODELS))


class CpuModelError(ShufflenetDetError, ValueError):
    """A CPU model the counts cannot be made for."""


def check_cpu_model(name: str) -> str:
    """Return ``name`` if counts may emulate it.

    Raises:
        CpuModelError: For ``max`` (with the reason) and for any model outside :data:`CPU_MODELS`.
    """
    if name == 'max':
        raise CpuModelError(f'--cpu max refused: {MAX_REFUSAL}')
    if name not in CPU_MODELS:
        raise CpuModelError(f'--cpu {name} is not supported; choose {" or ".join(CPU_MODELS)}')
    return name
