"""The runner on the fixture model: outputs, boxes mapped back to the original image, and clear errors."""

import json

import numpy as np
import onnx
import pytest
from onnx_fixture import BOX_FRACTIONS, CLASSES, build_model, sidecar

from shufflenet_det.deploy.detector import Detector
from shufflenet_det.deploy.spec import ModelSpec, SidecarError, write_spec


def colour_image(height, width, rgb):
    image = np.empty((height, width, 3), np.uint8)
    image[:] = rgb
    return image


def test_outputs_follow_the_model_contract(fixture_model):
    detector = Detector(fixture_model)
    assert detector.spec.classes == tuple(CLASSES) and detector.spec.scale == 64
    detections = detector.detect(colour_image(120, 200, (200, 0, 60)))
    assert detections.boxes.shape == (2, 4) and detections.boxes.dtype == np.float32
    assert detections.scores.dtype == np.float32 and detections.labels.dtype == np.int64
    assert detections.labels.tolist() == [0, 2]  # red first: the channel order reaches the graph as RGB
    np.testing.assert_allclose(detections.scores, [200 / 255, 60 / 255], rtol=1e-6)


def test_boxes_are_mapped_back_to_the_original_image(fixture_model):
    detector = Detector(fixture_model)
    image = colour_image(120, 200, (0, 255, 0))
    prepared = detector.prepare(image)
    assert prepared.input_size == (58, 96) and prepared.tensor.shape == (1, 3, 58, 96)
    on_input = detector.run_tensor(prepared.tensor)
    np.testing.assert_allclose(on_input.boxes[0], BOX_FRACTIONS[1] * [96, 58, 96, 58], rtol=1e-5)
    on_original = detector.detect(image)
    np.testing.assert_allclose(on_original.boxes[0], BOX_FRACTIONS[1] * [200, 120, 200, 120], rtol=1e-5)


def test_no_detections_is_an_empty_result(fixture_model):
    detections = Detector(fixture_model).detect(np.zeros((50, 70, 3), np.uint8))
    assert len(detections) == 0 and detections.boxes.shape == (0, 4)
    assert detections.to_list(tuple(CLASSES)) == []


def test_to_list_names_classes(fixture_model):
    detections = Detector(fixture_model).detect(colour_image(64, 64, (0, 0, 255)))
    [only] = detections.to_list(tuple(CLASSES))
    assert only['class'] == 'blue' and only['label'] == 2 and only['score'] == pytest.approx(1.0)


@pytest.mark.parametrize('image, message', [
    (np.zeros((64, 64), np.uint8), 'got rank 2'),
    (np.zeros((64, 64, 4), np.uint8), 'got 4 channels'),
    (np.zeros((64, 64, 3), np.float64), 'got float64'),
])
def test_wrong_images_are_rejected(fixture_model, image, message):
    with pytest.raises(ValueError, match=message):
        Detector(fixture_model).detect(image)


def test_wrong_tensor_is_rejected(fixture_model):
    with pytest.raises(ValueError, match='3 channels'):
        Detector(fixture_model).run_tensor(np.zeros((1, 4, 64, 64), np.float32))


def test_missing_model_and_sidecar_are_explained(fixture_model, tmp_path):
    with pytest.raises(FileNotFoundError, match='not found'):
        Detector(tmp_path / 'absent.onnx')
    lonely = tmp_path / 'lonely.onnx'
    lonely.write_bytes(fixture_model.read_bytes())
    with pytest.raises(SidecarError, match='lonely.json not found.*copy both files'):
        Detector(lonely)


def write_sidecar(path, **changes):
    data = {**sidecar(64, 96), **changes}
    for key in [key for key, value in changes.items() if value is None]:
        del data[key]
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize('changes, message', [
    ({'format': 'other/2'}, "format is 'other/2'"),
    ({'classes': None, 'scale': None}, 'missing classes, scale'),
    ({'input': {**sidecar(64, 96)['input'], 'channel_order': 'BGR'}}, "channel_order is 'BGR'"),
    ({'input': {**sidecar(64, 96)['input'], 'name': 'images'}}, "names input 'images'.*another model"),
    ({'scale': 200}, 'scale <= max_size'),
])
def test_mismatched_sidecars_are_explained(fixture_model, tmp_path, changes, message):
    other = write_sidecar(tmp_path / 'other.json', **changes)
    with pytest.raises(SidecarError, match=message):
        Detector(fixture_model, sidecar=other)


def test_invalid_json_sidecar(fixture_model, tmp_path):
    broken = tmp_path / 'broken.json'
    broken.write_text('{"format": ')
    with pytest.raises(SidecarError, match='not valid JSON'):
        Detector(fixture_model, sidecar=broken)


def test_a_model_with_other_outputs_is_refused(fixture_model, tmp_path):
    model = build_model()
    model.graph.output[2].name = 'classes'
    model.graph.node[5].output[0] = 'classes'
    model.graph.node[9].input[1] = 'classes'
    onnx.save(model, str(tmp_path / 'other.onnx'))
    write_spec(ModelSpec.from_dict(sidecar(64, 96)), tmp_path / 'other.onnx')
    with pytest.raises(SidecarError, match=r"outputs are \['boxes', 'scores', 'classes'\]"):
        Detector(tmp_path / 'other.onnx')
