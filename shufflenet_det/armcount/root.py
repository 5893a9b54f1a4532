"""The aarch64 root (Debian minbase, Python, aarch64 wheels) and the counting plugin, built once and cached.

The same root serves ``tools/arm_emulation.sh`` (which runs it through chroot) and the instruction counter
(which runs it through the dynamic ``qemu-aarch64 -L ROOT``, the only qemu that loads plugins). It lives
outside the checkout, in ``${SHUFFLENET_DET_CACHE:-~/.cache/shufflenet-det}/arm64-root`` (``ARM_ROOT``
overrides it). Nothing in it is read from the host: ``/proc/cpuinfo`` and the CPU topology files are plain
files of a 4-core Cortex-A72 or A76, so runtimes see the same CPU on every host.
"""

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..core.errors import ShufflenetDetError

SUITE = 'bookworm'
MIRROR = 'http://deb.debian.org/debian'
#: Inside the root: the project's torch-free packages and the aarch64 wheels (the guest's PYTHONPATH).
GUEST_DIR = '/opt/shufflenet-det'
GUEST_SITE = f'{GUEST_DIR}/site'
GUEST_PYTHON = '/usr/bin/python3'
READY_STAMP = '.shufflenet-det-ready'
#: aarch64 wheels the root holds: numpy, ONNX Runtime, MNN and ncnn.
WHEELS = ('numpy', 'onnxruntime', 'MNN', 'ncnn')
WHEEL_PLATFORMS = ('manylinux_2_28_aarch64', 'manylinux_2_17_aarch64', 'manylinux2014_aarch64')
#: The project's packages copied into the root (all of them run without torch).
GUEST_PACKAGES = ('core', 'deploy', 'armcount')
PLUGIN_SOURCE = Path(__file__).with_name('insn_count.c')
PLUGIN_HEADER = 'qemu-plugin.h'
#: /proc/cpuinfo lines of each emulated core: (part number, features) as the Linux kernel prints them.
CPU_PARTS = {
    'cortex-a72': ('0xd08', 'fp asimd evtstrm crc32 cpuid'),
    'cortex-a76': ('0xd0b', 'fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm '
                            'lrcpc dcpop asimddp'),
}
CORES = 4


class ArmSetupError(ShufflenetDetError, RuntimeError):
    """The aarch64 root or the plugin cannot be built here; the message gives the command that fixes it."""


def cache_dir() -> Path:
    """``$SHUFFLENET_DET_CACHE``, else ``$XDG_CACHE_HOME/shufflenet-det`` or ``~/.cache/shufflenet-det``."""
    if os.environ.get('SHUFFLENET_DET_CACHE'):
        return Path(os.environ['SHUFFLENET_DET_CACHE'])
    return Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'shufflenet-det'


def root_dir() -> Path:
    """The aarch64 root: ``$ARM_ROOT``, else ``arm64-root`` in :func:`cache_dir`."""
    return Path(os.environ.get('ARM_ROOT', cache_dir() / 'arm64-root'))


def require_tool(name: str, fix: str) -> str:
    """The path of host tool ``name``.

    Raises:
        ArmSetupError: Saying how to install it.
    """
    path = shutil.which(name)
    if path is None:
        raise ArmSetupError(f'{name} not found: {fix}')
    return path


def qemu_binary() -> str:
    """The dynamic ``qemu-aarch64`` (the static one cannot load plugins)."""
    return require_tool('qemu-aarch64', 'apt-get install qemu-user (the dynamic build; qemu-user-static cannot '
                                        'load the counting plugin)')


def run_checked(command: list[str], what: str, fix: str, **kwargs: object) -> subprocess.CompletedProcess:
    """Run ``command``; on failure raise :class:`ArmSetupError` with its last output lines and ``fix``."""
    process = subprocess.run(command, text=True, capture_output=True, **kwargs)
    if process.returncode != 0:
        tail = '\n'.join((process.stdout + process.stderr).strip().splitlines()[-8:])
        raise ArmSetupError(f'{what} failed ({" ".join(command[:3])} ...):\n{tail}\n{fix}')
    return process


def write_fake_cpu_files(root: Path, cpu: str = 'cortex-a72') -> None:
    """Write ``proc/cpuinfo`` and the ``sys/devices/system/cpu`` topology of a 4-core ``cpu`` into ``root``.

    Runtimes read these at import (ONNX Runtime crashes under qemu-user with the host's x86 cpuinfo); qemu's
    ``-L`` would otherwise fall back to the host's files for any file the root lacks.
    """
    part, features = CPU_PARTS[cpu]
    proc = root / 'proc'
    if proc.is_symlink():
        proc.unlink()
    proc.mkdir(parents=True, exist_ok=True)
    (proc / 'cpuinfo').write_text(''.join(
        f'processor\t: {index}\nBogoMIPS\t: 108.00\nFeatures\t: {features}\nCPU implementer\t: 0x41\n'
        f'CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: {part}\nCPU revision\t: 3\n\n'
        for index in range(CORES)))
    cpus = root / 'sys/devices/system/cpu'
    everyone = f'0-{CORES - 1}'
    files = {'possible': everyone, 'present': everyone, 'online': everyone, 'kernel_max': str(CORES - 1)}
    for index in range(CORES):
        own = str(index)
        files |= {f'cpu{index}/topology/{name}': value for name, value in (
            ('physical_package_id', '0'), ('core_id', own), ('cluster_cpus_list', everyone),
            ('core_siblings_list', everyone), ('package_cpus_list', everyone), ('thread_siblings_list', own),
            ('core_cpus_list', own))}
        files |= {f'cpu{index}/cpufreq/cpuinfo_max_freq': '1800000', f'cpu{index}/cpufreq/cpuinfo_min_freq': '600000'}
        caches = (('1', 'Data', '32K', own), ('1', 'Instruction', '48K', own), ('2', 'Unified', '1024K', everyone))
        for cache, (level, kind, size, shared) in enumerate(caches):
            files |= {f'cpu{index}/cache/index{cache}/{name}': value for name, value in (
                ('level', level), ('type', kind), ('size', size), ('shared_cpu_list', shared))}
    for name, value in files.items():
        path = cpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + '\n')
    (root / 'sys/bus/pci/devices').mkdir(parents=True, exist_ok=True)


def guest_python_version(root: Path) -> str:
    """``3.11`` for the root's ``python3 -> python3.11``."""
    return os.readlink(root / GUEST_PYTHON.lstrip('/')).removeprefix('python')


def host_onnxruntime_version() -> str | None:
    """The host's onnxruntime version (the root gets the same one), None if it has none."""
    try:
        from importlib.metadata import version

        return version('onnxruntime')
    except Exception:  # any lookup failure: take PyPI's newest
        return None


def debootstrap_root(root: Path, log: Callable[[str], None]) -> None:
    """Debian minbase with python3 for arm64, unpacked without running anything emulated."""
    if os.geteuid() != 0:
        raise ArmSetupError('building the aarch64 root needs root (debootstrap): run the setup once as root, '
                            'e.g. sudo python tools/arm_count.py --setup')
    debootstrap = require_tool('debootstrap', 'apt-get install debootstrap')
    require_tool('dpkg-deb', 'apt-get install dpkg')
    log(f'debootstrap {SUITE} arm64 minbase + python3 into {root} (first run only; Debian mirror, about 40 MB)')
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    run_checked([debootstrap, '--foreign', '--arch=arm64', '--variant=minbase', '--include=python3', SUITE,
                 str(root), MIRROR], 'debootstrap', 'check the network reaches the Debian mirror (or set MIRROR)')
    log('unpacking the arm64 packages (dpkg-deb, no emulation needed)')
    for package in sorted((root / 'var/cache/apt/archives').glob('*.deb')):
        run_checked(['dpkg-deb', '-x', str(package), str(root)], f'unpacking {package.name}', 'rerun --setup')


def install_wheels(root: Path, log: Callable[[str], None]) -> None:
    """PyPI's aarch64 wheels of :data:`WHEELS` into the root's site folder (ONNX Runtime: the host's version)."""
    site = root / GUEST_SITE.lstrip('/')
    ort_version = host_onnxruntime_version()
    wheels = [f'onnxruntime=={ort_version}' if ort_version and name == 'onnxruntime' else name for name in WHEELS]
    log(f'aarch64 wheels for Python {guest_python_version(root)}: {" ".join(wheels)} (PyPI, about 50 MB)')
    platforms = [argument for name in WHEEL_PLATFORMS for argument in ('--platform', name)]
    run_checked([sys.executable, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-compile',
                 '--upgrade', '--target', str(site), *platforms, '--python-version', guest_python_version(root),
                 '--implementation', 'cp', '--only-binary=:all:', *wheels],
                'pip install of the aarch64 wheels', 'check the network reaches PyPI')


def guest_env() -> dict[str, str]:
    """The guest's whole environment: deterministic hashing, one thread everywhere, no telemetry, no .pyc writes."""
    return {'PYTHONPATH': f'{GUEST_SITE}:{GUEST_DIR}', 'PYTHONHASHSEED': '0', 'PYTHONDONTWRITEBYTECODE': '1',
            'ORT_DISABLE_TELEMETRY': '1', 'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1', 'LANG': 'C.UTF-8',
            'PATH': '/usr/bin:/bin', 'HOME': '/root'}


def guest_command(root: Path, cpu: str, arguments: list[str], plugin: list[str] = ()) -> list[str]:
    """``qemu-aarch64`` running the root's Python with ``arguments`` on CPU model ``cpu``.

    Address-space randomisation is off (``setarch -R``): buffer addresses change which code paths copies and
    kernels take, and with them the count.
    """
    setarch = require_tool('setarch', 'apt-get install util-linux')
    return [setarch, platform.machine(), '-R', qemu_binary(), '-cpu', cpu, '-L', str(root), *plugin,
            str(root / 'usr/bin' / os.readlink(root / GUEST_PYTHON.lstrip('/'))), *arguments]


def compile_guest_python(root: Path, folders: list[str]) -> None:
    """Byte-compile the guest's ``folders`` once, so counted processes never compile (they write nothing).

    Compiled by the host's Python when it has the guest's version (same bytecode; qemu's ``-L`` would send
    the new files to the host's paths). Otherwise nothing is compiled: the counts stay the same, every counted
    process then compiles the same modules again.
    """
    if f'{sys.version_info.major}.{sys.version_info.minor}' != guest_python_version(root):
        return
    import compileall

    for folder in folders:
        compileall.compile_dir(str(root / folder.lstrip('/')), ddir=folder, quiet=2, workers=1)


def build_root(root: Path, log: Callable[[str], None] = print) -> None:
    """Build the root unless it is ready (its stamp exists); always rewrite the fake CPU files."""
    if not (root / READY_STAMP).is_file():
        qemu_binary()
        debootstrap_root(root, log)
        write_fake_cpu_files(root)
        install_wheels(root, log)
        log('byte-compiling the standard library and the wheels for the guest')
        compile_guest_python(root, ['/usr/lib/python3', f'/usr/lib/python{guest_python_version(root)}', GUEST_SITE])
        (root / READY_STAMP).touch()
    write_fake_cpu_files(root)


def copy_guest_packages(root: Path) -> None:
    """Copy the project's torch-free packages into the root (byte-compiled there) when they changed."""
    source = Path(__file__).resolve().parents[1]
    files = sorted(path for name in GUEST_PACKAGES for path in (source / name).glob('*.py'))
    digest = hashlib.sha256(b''.join(path.read_bytes() + str(path).encode() for path in files)).hexdigest()
    target = root / GUEST_DIR.lstrip('/') / 'shufflenet_det'
    stamp = target / '.source-digest'
    if stamp.is_file() and stamp.read_text() == digest:
        return
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(source / '__init__.py', target / '__init__.py')
    for path in files:
        destination = target / path.parent.name / path.name
        destination.parent.mkdir(exist_ok=True)
        shutil.copy2(path, destination)
    compile_guest_python(root, [f'{GUEST_DIR}/shufflenet_det'])
    stamp.write_text(digest)


def place_input(root: Path, tensor: np.ndarray) -> str:
    """Save the input tensor in the root, named by its content; return its path as the guest names it.

    The name has the same length for every tensor (path lengths change the count) and differs between
    tensors, so counts running at the same time do not overwrite each other's input.
    """
    tensor = np.ascontiguousarray(tensor, dtype=np.float32)
    digest = hashlib.sha256(str(tensor.shape).encode() + tensor.tobytes()).hexdigest()[:16]
    guest_path = f'{GUEST_DIR}/work/input-{digest}.npy'
    host_path = root / guest_path.lstrip('/')
    if not host_path.is_file():
        host_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = host_path.with_name(host_path.name + '.tmp.npy')
        np.save(temporary, tensor)
        temporary.replace(host_path)
    return guest_path


def find_plugin_header(folder: Path) -> Path | None:
    """``qemu-plugin.h`` below ``folder``, if an earlier setup extracted it."""
    return next(iter(sorted(folder.glob(f'*/include/qemu/{PLUGIN_HEADER}'))), None)


def fetch_plugin_header(folder: Path, log: Callable[[str], None]) -> Path:
    """Extract ``qemu-plugin.h`` from Debian's qemu source package (downloaded into ``folder``)."""
    header = find_plugin_header(folder)
    if header:
        return header
    folder.mkdir(parents=True, exist_ok=True)
    if not list(folder.glob('qemu_*.orig.tar.*')):
        log(f"downloading Debian's qemu source package into {folder} (the plugin API header; about 24 MB)")
        run_checked(['apt-get', 'source', '--download-only', 'qemu'], "apt-get source qemu",
                    'add deb-src to the Debian entry of the apt sources (Types: deb deb-src in '
                    '/etc/apt/sources.list.d/debian.sources), then apt-get update and rerun --setup', cwd=folder)
    archive = sorted(folder.glob('qemu_*.orig.tar.*'))[-1]
    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(f'include/qemu/{PLUGIN_HEADER}')), None)
        if member is None:
            raise ArmSetupError(f'{archive} holds no {PLUGIN_HEADER}; delete {folder} and rerun --setup')
        tar.extract(member, folder, filter='data')
    return folder / member.name


def build_plugin(log: Callable[[str], None] = print) -> Path:
    """The counting plugin, compiled once per source version into the cache."""
    source = PLUGIN_SOURCE.read_bytes()
    plugin = cache_dir() / 'plugins' / f'libinsn_count-{hashlib.sha256(source).hexdigest()[:12]}.so'
    if plugin.is_file():
        return plugin
    header = fetch_plugin_header(cache_dir() / 'qemu-src', log)
    gcc = require_tool('gcc', 'apt-get install gcc')
    require_tool('pkg-config', 'apt-get install pkg-config libglib2.0-dev')
    glib = run_checked(['pkg-config', '--cflags', 'glib-2.0'], 'pkg-config glib-2.0', 'apt-get install libglib2.0-dev')
    plugin.parent.mkdir(parents=True, exist_ok=True)
    log(f'building the counting plugin {plugin}')
    run_checked([gcc, '-O2', '-Wall', '-shared', '-fPIC', f'-I{header.parent}', *glib.stdout.split(),
                 str(PLUGIN_SOURCE), '-o', str(plugin)], 'compiling the plugin', 'apt-get install gcc libglib2.0-dev')
    return plugin


def setup(log: Callable[[str], None] = print) -> tuple[Path, Path]:
    """Build (or reuse) the root and the plugin; return both paths."""
    root = root_dir()
    build_root(root, log)
    return root, build_plugin(log)
