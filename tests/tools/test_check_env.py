"""tools/check_env.py (make doctor): versions, CUDA, how mmcv's ops were compiled, and the ops run per device."""

import subprocess
import sys
from pathlib import Path

import mmcv.ops
import pytest
import torch

from shufflenet_det.cli import doctor
from shufflenet_det.cli.doctor import Check, check_cuda, check_mmcv_ops, check_ops_on, format_report, run_checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cpu_only_mmcv(monkeypatch):
    monkeypatch.setattr(mmcv.ops, 'get_compiling_cuda_version', lambda: 'not available')
    monkeypatch.setattr(mmcv.ops, 'get_compiler_version', lambda: 'GCC 12.2')


def test_cpu_only_mmcv_without_a_gpu_is_fine(cpu_only_mmcv, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert check_mmcv_ops() == Check('mmcv ops', 'CPU only (compiled with GCC 12.2, without CUDA)')


def test_cpu_only_mmcv_with_a_gpu_is_a_problem_naming_the_toolkit(cpu_only_mmcv, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.version, 'cuda', '13.0')
    check = check_mmcv_ops()
    assert check.result.startswith('CPU only') and not check.ok
    assert 'CUDA toolkit 13.0' in check.fix and '`make install`' in check.fix


@pytest.mark.parametrize('compiled,torch_cuda,ok', [('13.0', '13.0', True), ('12.8', '13.0', False)])
def test_cuda_mmcv_must_match_torchs_cuda_major_version(compiled, torch_cuda, ok, monkeypatch):
    monkeypatch.setattr(mmcv.ops, 'get_compiling_cuda_version', lambda: compiled)
    monkeypatch.setattr(mmcv.ops, 'get_compiler_version', lambda: 'GCC 12.2')
    monkeypatch.setattr(torch.version, 'cuda', torch_cuda)
    check = check_mmcv_ops()
    assert check.result == f'CUDA {compiled} (compiled with GCC 12.2)' and check.ok == ok


def test_no_gpu_is_a_problem_only_when_required(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert check_cuda(require=False).ok
    required = check_cuda(require=True)
    assert required.result.startswith('not available') and 'nvidia-smi' in required.fix


def test_ops_agree_with_torchvision_on_cpu():
    check = check_ops_on('cpu')
    assert check.ok and check.result.startswith('ok: RoIAlign max difference')


def test_wrong_op_results_are_a_problem(monkeypatch):
    roi_align = mmcv.ops.roi_align
    monkeypatch.setattr(mmcv.ops, 'roi_align', lambda *args: roi_align(*args) + 0.01)
    check = check_ops_on('cpu')
    assert not check.ok and 'wrong results on cpu' in check.fix


def test_failing_ops_are_a_problem_with_the_error(monkeypatch):
    def fail(*args):
        raise RuntimeError('roi_align_forward_impl: implementation for device cuda:0 not found.')

    monkeypatch.setattr(mmcv.ops, 'roi_align', fail)
    check = check_ops_on('cpu')
    assert check.result == 'fails: roi_align_forward_impl: implementation for device cuda:0 not found.'
    assert 'make install' in check.fix


def test_missing_package_is_a_problem():
    (check, ) = doctor.check_packages(('surely-not-installed-package', ))
    assert check.result == 'not installed' and 'make install' in check.fix


def test_report_lists_each_problem_with_its_fix():
    report = format_report([Check('torch', '2.12.1'), Check('mmcv ops', 'CPU only', 'rebuild it')])
    assert report.splitlines() == ['torch     2.12.1', 'mmcv ops  CPU only', '', 'Problem 1, mmcv ops: rebuild it']


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the report of a machine without a GPU')
def test_this_machine_without_a_gpu():
    checks = {check.name: check for check in run_checks()}
    assert all(check.ok for check in checks.values())
    assert set(doctor.PACKAGES) < set(checks) and 'RoIAlign + nms on cpu' in checks
    assert checks['mmcv ops'].result.startswith('CPU only')
    assert not any(name.endswith('cuda:0') for name in checks)


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the exit status of a machine without a GPU')
def test_tool_exits_non_zero_when_a_required_gpu_is_missing():
    result = subprocess.run([sys.executable, 'tools/check_env.py', '--require-cuda'], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'mmcv ops' in result.stdout and 'Problem 1, CUDA:' in result.stdout
