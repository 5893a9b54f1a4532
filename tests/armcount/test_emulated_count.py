"""Counting a tiny model under emulation twice gives the same aarch64 instruction count (needs the cached root)."""

import json
import shutil

import pytest
from tiny_classifier import write_tiny_classifier

from shufflenet_det.armcount import cli
from shufflenet_det.armcount.root import READY_STAMP, root_dir


def emulation_missing() -> str | None:
    """Why counting cannot happen here, or None."""
    if shutil.which('qemu-aarch64') is None:
        return 'qemu-aarch64 missing: apt-get install qemu-user'
    if not (root_dir() / READY_STAMP).is_file():
        return f'no aarch64 root at {root_dir()}: build it once with python tools/arm_count.py --setup (downloads)'
    return None


@pytest.mark.slow
@pytest.mark.skipif(emulation_missing() is not None, reason=str(emulation_missing()))
def test_two_counts_of_a_tiny_model_are_identical(tmp_path):
    model = write_tiny_classifier(tmp_path)
    out = tmp_path / 'counts.json'
    assert cli.main([str(model), '--input', '32x32', '--cpu', 'cortex-a72', '--json', str(out),
                     '--converted', str(tmp_path / 'converted')]) == 0
    entry = json.loads(out.read_text())[str(model)]
    first, second = entry['per_inference_repeats']
    assert first == second > 0
    assert entry['repeatable'] and entry['runtime'] == 'onnxruntime' and entry['cpu'] == 'cortex-a72'
