"""The device benchmark on aarch64 (under qemu-user emulation) finds the same detections as on x86.

Needs root, qemu-user-static with qemu-aarch64 registered in binfmt_misc, and the aarch64 root built once by
``tools/arm_emulation.sh --setup`` (it downloads Debian packages and PyPI wheels, which tests never do).
Skipped with the reason when any of these is missing. Emulated timings are never checked: they are not ARM
timings.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get('SHUFFLENET_DET_CACHE', Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache'))
                                                    / 'shufflenet-det'))
ARM_ROOT = Path(os.environ.get('ARM_ROOT', CACHE / 'arm64-root'))
DEMO_CONFIG = 'configs/demo/shapes_frcnn_shufflenet.py'


def emulation_missing() -> str | None:
    """Why the emulated run cannot happen here, or None when it can."""
    if platform.machine() != 'x86_64':
        return f'the check compares x86_64 with emulated aarch64; this is {platform.machine()}'
    if os.geteuid() != 0:
        return 'needs root (chroot into the aarch64 root)'
    if shutil.which('qemu-aarch64-static') is None:
        return 'qemu-aarch64-static missing: apt-get install qemu-user-static binfmt-support'
    binfmt = Path('/proc/sys/fs/binfmt_misc/qemu-aarch64')
    if not binfmt.is_file() or not binfmt.read_text().startswith('enabled'):
        return 'qemu-aarch64 is not registered in binfmt_misc: update-binfmts --enable qemu-aarch64'
    if not (ARM_ROOT / '.shufflenet-det-ready').is_file():
        return f'no aarch64 root at {ARM_ROOT}: build it once with tools/arm_emulation.sh --setup (downloads)'
    return None


def run_emulation(model: Path, image: Path | None, out: Path) -> tuple[dict, dict]:
    """Run tools/arm_emulation.sh; check its PASS verdict and labels; return the x86 and aarch64 results."""
    env = {**os.environ, 'OUT': str(out), 'RUNS': '1', 'PYTHON': sys.executable, 'ARM_ROOT': str(ARM_ROOT)}
    command = ['bash', 'tools/arm_emulation.sh', str(model)] + ([str(image)] if image else [])
    process = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True, timeout=900)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert 'PASS: same detections' in process.stdout
    assert 'EMULATED' in process.stdout and 'not an aarch64 timing' in process.stdout
    x86, arm = (json.loads((out / name).read_text()) for name in ('x86.json', 'aarch64.json'))
    assert x86['machine']['architecture'] == 'x86_64' and not x86['machine']['emulated']
    assert arm['machine']['architecture'] == 'aarch64' and arm['machine']['emulated'].startswith('qemu-user')
    return x86, arm


@pytest.mark.slow
@pytest.mark.skipif(emulation_missing() is not None, reason=str(emulation_missing()))
def test_aarch64_detections_match_x86(fixture_model, tmp_path):
    image = np.zeros((120, 160, 3), np.uint8)
    image[..., 0], image[40:80, :, 2] = 150, 255
    np.save(tmp_path / 'image.npy', image)
    x86, arm = run_emulation(fixture_model, tmp_path / 'image.npy', tmp_path / 'out')
    assert [d['class'] for d in arm['detections']] == ['red', 'blue'] == [d['class'] for d in x86['detections']]


@pytest.mark.slow
@pytest.mark.skipif(emulation_missing() is not None, reason=str(emulation_missing()))
@pytest.mark.skipif(not (ROOT / 'tools' / 'export.py').is_file(), reason='tools/export.py is not there')
def test_exported_detector_on_aarch64_matches_x86(tmp_path):
    """A whole exported detector (random weights with spread scores: many detections to compare) at scale 128."""
    export = subprocess.run([sys.executable, 'tools/export.py', DEMO_CONFIG, 'random', '--scale', '128', '--out',
                             str(tmp_path), '--name', 'detector'], cwd=ROOT, text=True, capture_output=True,
                            timeout=600)
    assert export.returncode == 0, export.stdout[-3000:] + export.stderr[-3000:]
    x86, arm = run_emulation(tmp_path / 'detector.onnx', None, tmp_path / 'out')
    assert len(x86['detections']) > 10 and x86['input']['input_size'] == arm['input']['input_size'] == [128, 171]
