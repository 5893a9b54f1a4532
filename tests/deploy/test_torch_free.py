"""The device runner works where torch, torchvision, mmcv, mmdet and mmengine cannot be imported (and Pillow too).

Each check runs in a fresh Python process whose import system refuses those packages, then imports every module
of ``shufflenet_det.deploy`` and runs the benchmark end to end on the fixture model.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ['torch', 'torchvision', 'mmcv', 'mmdet', 'mmengine']

CHILD = '''
import importlib, importlib.abc, json, pkgutil, sys

blocked = set(sys.argv[1].split(','))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in blocked:
            raise ModuleNotFoundError(f'{name} is not installed (blocked by the test)', name=name)
        return None

sys.meta_path.insert(0, Refuse())
import shufflenet_det.deploy as deploy
for module in pkgutil.iter_modules(deploy.__path__):
    importlib.import_module(f'shufflenet_det.deploy.{module.name}')
from shufflenet_det.deploy import bench
status = bench.main(sys.argv[2:])
loaded = sorted({name.split('.')[0] for name in sys.modules} & blocked)
print(json.dumps({'status': status, 'loaded': loaded}))
'''


def run_child(blocked: list[str], arguments: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', CHILD, ','.join(blocked), *arguments], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, env={'PYTHONPATH': str(ROOT), 'PATH': '/usr/bin:/bin'})


def child_report(process: subprocess.CompletedProcess) -> dict:
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('blocked', [HEAVY, HEAVY + ['PIL']], ids=['without-torch', 'numpy-onnxruntime-only'])
def test_benchmark_runs_end_to_end_without_torch(fixture_model, tmp_path, blocked):
    image = np.zeros((100, 150, 3), np.uint8)
    image[..., 1] = 128
    np.save(tmp_path / 'image.npy', image)
    process = run_child(blocked, [str(fixture_model), '--image', str(tmp_path / 'image.npy'), '--runs', '2',
                                  '--warmup', '1', '--json', str(tmp_path / 'out.json'),
                                  '--draw', str(tmp_path / 'out.png')])
    report = child_report(process)
    assert report == {'status': 0, 'loaded': []}
    result = json.loads((tmp_path / 'out.json').read_text())
    assert [detection['class'] for detection in result['detections']] == ['green']
    assert (tmp_path / 'out.png').read_bytes().startswith(b'\x89PNG')


def test_without_pillow_other_formats_ask_for_it_or_npy(fixture_model, tmp_path):
    (tmp_path / 'photo.jpg').write_bytes(b'\xff\xd8 not really a jpeg')
    process = run_child(HEAVY + ['PIL'], [str(fixture_model), '--image', str(tmp_path / 'photo.jpg')])
    assert child_report(process)['status'] == 2
    assert 'needs Pillow (pip install pillow)' in process.stderr and '.npy' in process.stderr
