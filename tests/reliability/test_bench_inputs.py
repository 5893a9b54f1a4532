"""tools/bench_onnx.py names bad inputs: a non-ONNX model, an image too elongated, a 16-bit PNG, a bad --draw path."""

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shufflenet_det.deploy.bench import main

FIXTURE = Path(__file__).resolve().parents[1] / 'deploy' / 'onnx_fixture.py'


@pytest.fixture(scope='module')
def model(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location('onnx_fixture_for_reliability', FIXTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_fixture_model(tmp_path_factory.mktemp('bench_model'))


def run(capsys, *args: str) -> tuple[int, str]:
    status = main([*args, '--runs', '1', '--warmup', '0'])
    captured = capsys.readouterr()
    return status, captured.err


def test_a_file_that_is_not_onnx_is_named(model, tmp_path, capsys):
    fake = tmp_path / 'model.onnx'
    fake.write_text('not a protobuf')
    shutil.copy(model.with_suffix('.json'), fake.with_suffix('.json'))
    status, err = run(capsys, str(fake))
    assert status == 2
    assert f'error: model {fake} is not a loadable ONNX model (' in err and 'Traceback' not in err


def test_an_image_too_elongated_to_resize_is_named(model, tmp_path, capsys):
    image = tmp_path / 'strip.npy'
    np.save(image, np.zeros((2, 4000, 3), np.uint8))
    status, err = run(capsys, str(model), '--image', str(image))
    assert status == 2
    assert 'error: image 2x4000 is too elongated for this model' in err


def test_a_16_bit_png_is_refused_instead_of_clipped(model, tmp_path, capsys):
    image = tmp_path / 'deep.png'
    Image.fromarray(np.full((32, 32), 40000, np.uint16)).save(image)
    status, err = run(capsys, str(model), '--image', str(image))
    assert status == 2
    assert f"error: image {image} has 'I;16' pixels (16-bit or floating point), which 8-bit RGB would clip" in err


@pytest.mark.parametrize('draw, message', [('dets.jpg', 'drawings are written as PNG: use a .png file name'),
                                           ('blocker/dets.png', 'is a file, not a folder')])
def test_a_bad_draw_path_fails_before_the_run(model, tmp_path, capsys, draw, message):
    (tmp_path / 'blocker').write_text('a file where a folder is needed')
    status, err = run(capsys, str(model), '--draw', str(tmp_path / draw))
    assert status == 2 and message in err
    assert 'timing' not in err  # refused before the model was loaded and timed
