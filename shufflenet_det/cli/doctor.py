"""Check that this environment can train and test the detectors: versions, CUDA, and mmcv's compiled ops.

Every check gives a one-line result and, when something is wrong, what to do about it. ``tools/check_env.py``
(``make doctor``) prints them. The ops are checked by running them: mmcv's RoIAlign and nms on each device
present, compared with torchvision's implementations of the same operations.
"""

import importlib
import importlib.metadata
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ('torch', 'torchvision', 'mmcv', 'mmdet', 'mmengine', 'onnxruntime')
REINSTALL = 'run `make install` (it rebuilds mmcv against the installed torch where needed)'


@dataclass(frozen=True)
class Check:
    """The outcome of one check.

    Attributes:
        name: What was checked (``torch``, ``CUDA``, ``mmcv ops``, ...).
        result: What was found, in one line.
        fix: What to do, when the finding is a problem; ``None`` when it is not.
    """

    name: str
    result: str
    fix: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the check found no problem."""
        return self.fix is None


def check_packages(names: tuple[str, ...] = PACKAGES) -> list[Check]:
    """The installed version of each package, and a problem for each one that is missing or does not import."""
    checks = []
    for name in names:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(name, 'not installed', REINSTALL))
            continue
        try:
            importlib.import_module(name)
        except Exception as error:  # any import failure is the finding
            checks.append(Check(name, f'{version}, but importing it fails: {error}', REINSTALL))
            continue
        checks.append(Check(name, version))
    return checks


def _torch_build() -> str:
    import torch

    return f'CUDA {torch.version.cuda}' if torch.version.cuda else 'CPU only'


def _describe_gpu(index: int) -> str:
    import torch

    major, minor = torch.cuda.get_device_capability(index)
    return f'{torch.cuda.get_device_name(index)} (compute capability {major}.{minor})'


def check_cuda(require: bool) -> Check:
    """Whether torch sees a CUDA GPU; a problem only when ``require`` is set and it sees none."""
    import torch

    if torch.cuda.is_available():
        gpus = ', '.join(_describe_gpu(index) for index in range(torch.cuda.device_count()))
        return Check('CUDA', f'available: {gpus}; torch built with {_torch_build()}')
    result = f'not available (torch built with {_torch_build()}); training and tests run on CPU only'
    if not require:
        return Check('CUDA', result)
    if torch.version.cuda is None:
        fix = 'this torch is a CPU-only build: recreate the environment with `make clean install`'
    else:
        fix = (f'check that `nvidia-smi` lists the GPU and that its driver supports CUDA {torch.version.cuda} '
               '(the version torch was built with), and that CUDA_VISIBLE_DEVICES does not hide it')
    return Check('CUDA', result, fix)


def _installed_wheel_dir() -> str:
    """The wheel cache folder the environment's mmcv came from, as ``tools/install_env.sh`` recorded it."""
    record = Path(sys.prefix) / '.mmcv-wheel-dir'
    return record.read_text().strip() if record.is_file() else '~/.cache/shufflenet-det/mmcv-*'


def check_mmcv_ops() -> Check:
    """Whether mmcv's compiled ops load, and whether they were compiled with CUDA where a GPU is present."""
    import torch

    try:
        from mmcv.ops import get_compiler_version, get_compiling_cuda_version
        compiled_cuda, compiler = get_compiling_cuda_version(), get_compiler_version()
    except Exception as error:  # an ImportError or a missing symbol of mmcv._ext
        return Check('mmcv ops', f'do not load: {error}',
                     f'mmcv was built against another torch: delete {_installed_wheel_dir()} and {REINSTALL}')
    if compiled_cuda == 'not available':
        result = f'CPU only (compiled with {compiler}, without CUDA)'
        if not torch.cuda.is_available():
            return Check('mmcv ops', result)
        return Check('mmcv ops', result,
                     'a GPU is present but mmcv has no CUDA ops, so training on it fails at the first RoIAlign: '
                     f'install the CUDA toolkit {torch.version.cuda} (nvcc) and run `make install` again on this '
                     'machine; it builds and caches a CUDA wheel apart from the CPU one')
    result = f'CUDA {compiled_cuda} (compiled with {compiler})'
    if torch.version.cuda and compiled_cuda.split('.')[0] != torch.version.cuda.split('.')[0]:
        return Check('mmcv ops', result,
                     f'torch uses CUDA {torch.version.cuda}: delete {_installed_wheel_dir()} and {REINSTALL}')
    return Check('mmcv ops', result)


def _ops_results(device: str) -> tuple[float, bool]:
    """Largest RoIAlign difference from torchvision, and whether nms keeps the same boxes, on ``device``."""
    import torch
    import torchvision.ops
    from mmcv.ops import nms, roi_align

    generator = torch.Generator().manual_seed(0)
    features = torch.rand(2, 16, 64, 64, generator=generator).to(device)
    corners = torch.rand(64, 2, 2, generator=generator).sort(dim=1).values * 63
    boxes = torch.cat([corners[:, 0], corners[:, 1] + 1], dim=1).to(device)
    rois = torch.cat([torch.arange(64, device=device)[:, None] % 2, boxes], dim=1).float()
    ours = roi_align(features, rois, (7, 7), 1 / 4, 2, 'avg', True)
    reference = torchvision.ops.roi_align(features, rois, (7, 7), 1 / 4, 2, aligned=True)
    scores = torch.rand(64, generator=generator).to(device)
    _, keep = nms(boxes, scores, 0.5)
    reference_keep = torchvision.ops.nms(boxes, scores, 0.5)
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return (ours - reference).abs().max().item(), torch.equal(keep.sort().values, reference_keep.sort().values)


def check_ops_on(device: str) -> Check:
    """Run mmcv's RoIAlign and nms on ``device`` and compare them with torchvision's."""
    name = f'RoIAlign + nms on {device}'
    start = time.perf_counter()
    try:
        roi_error, same_keep = _ops_results(device)
    except Exception as error:  # the failure of the op is the finding
        fix = f'mmcv cannot run its ops on {device}; delete {_installed_wheel_dir()} and {REINSTALL} on this machine'
        if 'no kernel image' in str(error):
            fix = ('mmcv was compiled for other GPU architectures: delete '
                   f'{_installed_wheel_dir()} and run `make install` on this machine (or set TORCH_CUDA_ARCH_LIST)')
        return Check(name, f'fails: {str(error).splitlines()[0]}', fix)
    seconds = time.perf_counter() - start
    result = f'RoIAlign max difference from torchvision {roi_error:.1e}, nms same boxes kept: {same_keep} ' \
             f'({seconds:.2f} s)'
    if roi_error > 1e-4 or not same_keep:
        return Check(name, result, f'mmcv computes wrong results on {device}: rebuild it (delete '
                                   f'{_installed_wheel_dir()} and {REINSTALL}) and report the versions above')
    return Check(name, f'ok: {result}')


def run_checks(require_cuda: bool = False) -> list[Check]:
    """All checks, in order; those that need a missing package are left out.

    Args:
        require_cuda: Count a machine without a usable CUDA GPU as a problem (for GPU machines).

    Returns:
        One :class:`Check` per finding.
    """
    checks = check_packages()
    installed = {check.name for check in checks if check.ok}
    if 'torch' not in installed:
        return checks
    checks.append(check_cuda(require_cuda))
    if not {'mmcv', 'torchvision'} <= installed:
        return checks
    ops = check_mmcv_ops()
    checks.append(ops)
    if ops.result.startswith('do not load'):
        return checks
    import torch

    devices = ['cpu'] + [f'cuda:{i}' for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0)]
    checks += [check_ops_on(device) for device in devices]
    return checks


def format_report(checks: list[Check]) -> str:
    """The checks as aligned lines, then each problem with what to do."""
    width = max(len(check.name) for check in checks)
    lines = [f'{check.name.ljust(width)}  {check.result}' for check in checks]
    problems = [check for check in checks if not check.ok]
    lines.append('')
    if not problems:
        lines.append('No problems found.')
    for number, check in enumerate(problems, start=1):
        lines.append(f'Problem {number}, {check.name}: {check.fix}')
    return '\n'.join(lines)
