"""Describe the device a benchmark ran on (CPU, board, cores, governor, runtime versions), with the stdlib only."""

import os
import platform
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


def describe_machine(threads: int, emulated: str | None = None) -> dict:
    """Where a run happens, as plain data for the benchmark's output.

    Args:
        threads: ONNX Runtime intra-op threads of the run.
        emulated: How the CPU is emulated (e.g. ``'qemu-user 7.2 on x86_64'``), or None on real hardware. An
            emulated run's timings are not timings of the emulated CPU.

    Returns:
        ``cpu``, ``architecture``, ``board`` (or None), ``logical_cpus``, ``usable_cpus``, ``governor`` (or None),
        ``system``, ``python``, ``onnxruntime``, ``numpy``, ``intra_op_threads``, ``inter_op_threads``,
        ``emulated`` and ``label`` (one line naming it all).
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1
    cpu = cpu_model(read_cpuinfo())
    architecture = platform.machine()
    machine = {
        'cpu': cpu, 'architecture': architecture, 'board': _first_readable(BOARD_FILES),
        'logical_cpus': os.cpu_count() or 1, 'usable_cpus': usable, 'governor': _first_readable((GOVERNOR_FILE, )),
        'system': f'{platform.system()} {platform.release()}', 'python': platform.python_version(),
        'onnxruntime': ort.__version__, 'numpy': np.__version__, 'intra_op_threads': threads, 'inter_op_threads': 1,
        'emulated': emulated,
    }
    plural = 's' if threads != 1 else ''
    where = f'EMULATED by {emulated}, not a real {architecture} CPU' if emulated else (machine['board'] or 'native')
    machine['label'] = f'{cpu} ({architecture}; {where}), onnxruntime {ort.__version__}, {threads} thread{plural}'
    return machine
