"""The sidecar is checked against its model at load: field types, the ONNX file's digest, the copy of the sidecar
inside the graph, and the labels the graph returns."""

import json
import logging
from dataclasses import replace

import numpy as np
import onnx
import pytest

from shufflenet_det.deploy.bench import main as bench_main
from shufflenet_det.deploy.detector import Detector
from shufflenet_det.deploy.spec import DIGEST_KEY, METADATA_KEY, SidecarError, write_spec

COCO_CLASSES = [f'coco_class_{index}' for index in range(80)]


@pytest.fixture
def model(onnx_fixture, tmp_path):
    """The fixture model exported at scale 192 (longer side 256), as the shapes configs are."""
    return onnx_fixture.write_fixture_model(tmp_path / 'model', scale=192, max_size=256)


def edit_sidecar(model, **changes) -> None:
    path = model.with_suffix('.json')
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.mark.parametrize('changes, message', [
    ({'classes': ['red', 'green']}, 'the sidecar does not describe this model: 2 classes (red, green) in the sidecar '
                                    'but 3 classes (red, green, blue) in the graph'),
    ({'scale': 600, 'max_size': 1000}, 'the sidecar does not describe this model: scale 600 in the sidecar but scale '
                                       '192 in the graph; max_size 1000 in the sidecar but max_size 256 in the graph'),
    ({'classes': 'red green blue'}, '"classes" is "red green blue" (a JSON str); it must be a non-empty list of class '
                                    'names'),
    ({'scale': 'abc'}, '"scale" is "abc" (a JSON str); it must be a positive integer (the shorter image side the '
                       'model was exported for)'),
    ({'max_detections': 2.5}, '"max_detections" is 2.5 (a JSON float); it must be a positive integer'),
    ({'score_threshold': '0.05'}, '"score_threshold" is "0.05" (a JSON str); it must be a number from 0 to 1'),
    ({'classes': ['red', 'red', 'blue']}, '"classes" names \'red\' more than once'),
    ({DIGEST_KEY: 'abc'}, f'"{DIGEST_KEY}" is "abc" (a JSON str); it must be the 64 hex digits'),
])
def test_an_edited_sidecar_is_refused(model, changes, message):
    edit_sidecar(model, **changes)
    with pytest.raises(SidecarError) as error:
        Detector(model)
    assert message in str(error.value)
    assert 're-export the model with tools/export.py, or use the .json it wrote next to this .onnx' in str(error.value)


def test_another_models_sidecar_is_refused_by_the_digest(onnx_fixture, model, tmp_path):
    """A model with COCO's 80 classes, exported as the exporter does, and its sidecar given to our model."""
    other = tmp_path / 'coco.onnx'
    spec = replace(onnx_fixture.fixture_spec(192, 256), classes=tuple(COCO_CLASSES))
    graph = onnx_fixture.build_model()
    onnx.helper.set_model_props(graph, {METADATA_KEY: json.dumps(spec.to_dict())})
    onnx.save(graph, str(other))
    write_spec(spec, other)
    with pytest.raises(SidecarError, match=f'sidecar {other.with_suffix(".json")} belongs to another model: it '
                                           f'records {DIGEST_KEY} [0-9a-f]{{16}}... but {model} has'):
        Detector(model, sidecar=other.with_suffix('.json'))


def test_bench_names_the_mismatch_without_a_traceback(model, capsys):
    edit_sidecar(model, scale='abc')
    assert bench_main([str(model), '--runs', '1', '--warmup', '0']) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'error: sidecar {model.with_suffix(".json")}: "scale" is "abc"') and 'Traceback' not in err


def test_a_sidecar_without_digest_is_read_with_a_warning(model, caplog):
    path = model.with_suffix('.json')
    content = json.loads(path.read_text())
    del content[DIGEST_KEY]
    path.write_text(json.dumps(content))
    with caplog.at_level(logging.WARNING):
        detector = Detector(model)
    assert detector.spec.scale == 192
    assert f'records no {DIGEST_KEY} (written by an older tools/export.py)' in caplog.text


def test_labels_beyond_the_sidecars_classes_are_refused_for_graphs_without_their_copy(model):
    """A graph exported before it carried the sidecar: the class count is checked on what it returns."""
    graph = onnx.load(str(model))
    del graph.metadata_props[:]
    onnx.save(graph, str(model))
    content = json.loads(model.with_suffix('.json').read_text())
    del content[DIGEST_KEY]
    model.with_suffix('.json').write_text(json.dumps({**content, 'classes': ['red', 'green']}))
    detector = Detector(model)
    blue = np.zeros((64, 64, 3), np.uint8)
    blue[..., 2] = 200
    with pytest.raises(SidecarError, match='returned label 2 but its sidecar lists 2 classes: the sidecar belongs to '
                                           'another model'):
        detector.detect(blue)
