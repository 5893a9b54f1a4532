"""tools/convert_checkpoint.py writes the converted file under the configs' name and explains wrong files."""

import subprocess
import sys
from pathlib import Path

import torch
from source_layouts import MegviiShuffleNetV1, MmpretrainClassifier

from shufflenet_det.models import ClassificationNet

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / 'tools/convert_checkpoint.py'), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_converts_names_the_file_after_the_architecture_and_prints_the_config(tmp_path):
    torch.save(MegviiShuffleNetV1(3, 2.0).checkpoint(), tmp_path / 'downloaded.pth.tar')
    result = run_tool('megvii', str(tmp_path / 'downloaded.pth.tar'), '--out-dir', str(tmp_path / 'checkpoints'))
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path / 'checkpoints/shufflenet_v1_2x_g3_megvii.pth'
    saved = torch.load(out, weights_only=True)
    ClassificationNet(saved['meta']['backbone']).load_state_dict(saved['state_dict'], strict=True)
    assert (f"backbone=dict(type='ShuffleNetV1', groups=3, widen_factor=2.0, init_cfg=dict(type='Pretrained', "
            f"checkpoint='{out}', prefix='backbone.'))") in result.stdout
    assert "data_preprocessor=dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], bgr_to_rgb=False)" in result.stdout


def test_a_file_of_another_source_fails_with_the_keys_and_no_traceback(tmp_path):
    torch.save(MmpretrainClassifier(3).checkpoint(), tmp_path / 'mmpretrain.pth')
    result = run_tool('timm', str(tmp_path / 'mmpretrain.pth'), '--out', str(tmp_path / 'out.pth'))
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr
    assert 'error: the checkpoint does not fit timm MobileNet v1' in result.stderr
    assert 'missing:\n    conv_stem.weight' in result.stderr
    assert 'unexpected:\n    backbone.conv1.conv.weight' in result.stderr
    assert not (tmp_path / 'out.pth').exists()
