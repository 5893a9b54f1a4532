"""A tiny ONNX model with the exported detectors' exact inputs, outputs and sidecar, for testing the runner.

The "detector" finds one object per colour channel whose mean value exceeds 5% of 255: label 0/1/2 for red,
green and blue, score = channel mean / 255, sorted by score. Each label has a fixed box given as fractions of the
input's width and height, so boxes mapped back to the original image are the same fractions of its size.
"""

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from shufflenet_det.deploy.spec import METADATA_KEY, OPSET, ModelSpec, write_spec

CLASSES = ['red', 'green', 'blue']
SCORE_THRESHOLD = 0.05
#: x1, y1, x2, y2 as fractions of width, height, per label.
BOX_FRACTIONS = np.array([[0.1, 0.2, 0.5, 0.6], [0.3, 0.1, 0.9, 0.8], [0.05, 0.5, 0.4, 0.95]], dtype=np.float32)


def build_model() -> onnx.ModelProto:
    """The fixture graph: image float32 (1, 3, H, W) -> boxes (N, 4), scores (N,), labels (N,) int64."""
    constants = [
        numpy_helper.from_array(np.array(255, np.float32), 'full_scale'),
        numpy_helper.from_array(np.array([3], np.int64), 'k'),
        numpy_helper.from_array(np.array(SCORE_THRESHOLD, np.float32), 'threshold'),
        numpy_helper.from_array(np.array([3, 2, 3, 2], np.int64), 'whwh_index'),
        numpy_helper.from_array(BOX_FRACTIONS, 'box_fractions'),
    ]
    nodes = [
        helper.make_node('ReduceMean', ['image'], ['channel_mean'], axes=[0, 2, 3], keepdims=0),
        helper.make_node('Div', ['channel_mean', 'full_scale'], ['raw_scores']),
        helper.make_node('TopK', ['raw_scores', 'k'], ['sorted_scores', 'sorted_labels'], axis=0),
        helper.make_node('Greater', ['sorted_scores', 'threshold'], ['keep']),
        helper.make_node('Compress', ['sorted_scores', 'keep'], ['scores'], axis=0),
        helper.make_node('Compress', ['sorted_labels', 'keep'], ['labels'], axis=0),
        helper.make_node('Shape', ['image'], ['shape']),
        helper.make_node('Gather', ['shape', 'whwh_index'], ['whwh_int'], axis=0),
        helper.make_node('Cast', ['whwh_int'], ['whwh'], to=TensorProto.FLOAT),
        helper.make_node('Gather', ['box_fractions', 'labels'], ['fractions'], axis=0),
        helper.make_node('Mul', ['fractions', 'whwh'], ['boxes']),
    ]
    graph = helper.make_graph(
        nodes, 'deploy_fixture',
        [helper.make_tensor_value_info('image', TensorProto.FLOAT, [1, 3, 'height', 'width'])],
        [helper.make_tensor_value_info('boxes', TensorProto.FLOAT, ['detections', 4]),
         helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['detections']),
         helper.make_tensor_value_info('labels', TensorProto.INT64, ['detections'])],
        initializer=constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def sidecar(scale: int, max_size: int) -> dict:
    """A sidecar of the exported detectors' format describing the fixture model (without the file's digest)."""
    return fixture_spec(scale, max_size).to_dict()


def fixture_spec(scale: int, max_size: int) -> ModelSpec:
    """The fixture model's spec, as the exporter builds it for a detector."""
    return ModelSpec(classes=tuple(CLASSES), scale=scale, max_size=max_size, input_name='image',
                     score_threshold=SCORE_THRESHOLD, max_detections=3, num_proposals=300,
                     source={'config': 'tests/deploy/onnx_fixture.py', 'checkpoint': None},
                     normalisation={'mean': [123.675, 116.28, 103.53], 'std': [58.395, 57.12, 57.375],
                                    'applied_in_graph': True})


def write_fixture_model(directory: Path, scale: int = 64, max_size: int = 96, name: str = 'fixture') -> Path:
    """Write ``<name>.onnx`` and ``<name>.json`` into ``directory`` as the exporter does; returns the model path.

    The graph's metadata holds a copy of the sidecar and the sidecar the ONNX file's digest.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f'{name}.onnx'
    spec = fixture_spec(scale, max_size)
    model = build_model()
    onnx.helper.set_model_props(model, {METADATA_KEY: json.dumps(spec.to_dict())})
    onnx.save(model, str(path))
    write_spec(spec, path)
    return path
