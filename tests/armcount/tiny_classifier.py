"""A tiny ShuffleNet-like classifier in ONNX (grouped 1x1 convolution, channel shuffle, depthwise convolution)."""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from shufflenet_det.deploy.spec import OPSET

SIZE = 32


def write_tiny_classifier(folder: Path) -> Path:
    """Write the classifier (input ``image`` float32 (1, 3, 32, 32), output ``logits`` (1, 4)) into ``folder``."""
    rng = np.random.default_rng(0)

    def weight(name: str, *shape: int) -> onnx.TensorProto:
        return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)

    initializers = [
        weight('stem_w', 6, 3, 3, 3), weight('stem_b', 6), weight('group_w', 6, 2, 1, 1), weight('group_b', 6),
        weight('depth_w', 6, 1, 3, 3), weight('depth_b', 6), weight('fc_w', 4, 6), weight('fc_b', 4),
        numpy_helper.from_array(np.array([1, 3, 2, 16, 16], np.int64), 'split_shape'),
        numpy_helper.from_array(np.array([1, 6, 16, 16], np.int64), 'merged_shape'),
    ]
    nodes = [
        helper.make_node('Conv', ['image', 'stem_w', 'stem_b'], ['stem'], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
        helper.make_node('Relu', ['stem'], ['stem_relu']),
        helper.make_node('Conv', ['stem_relu', 'group_w', 'group_b'], ['grouped'], kernel_shape=[1, 1], group=3),
        helper.make_node('Relu', ['grouped'], ['grouped_relu']),
        helper.make_node('Reshape', ['grouped_relu', 'split_shape'], ['split']),
        helper.make_node('Transpose', ['split'], ['shuffled_split'], perm=[0, 2, 1, 3, 4]),
        helper.make_node('Reshape', ['shuffled_split', 'merged_shape'], ['shuffled']),
        helper.make_node('Conv', ['shuffled', 'depth_w', 'depth_b'], ['depthwise'], kernel_shape=[3, 3], group=6,
                         pads=[1, 1, 1, 1]),
        helper.make_node('GlobalAveragePool', ['depthwise'], ['pooled']),
        helper.make_node('Flatten', ['pooled'], ['flat']),
        helper.make_node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], transB=1),
    ]
    graph = helper.make_graph(nodes, 'tiny_classifier',
                              [helper.make_tensor_value_info('image', TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                              [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 4])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], ir_version=8)
    onnx.checker.check_model(model)
    path = Path(folder) / 'tiny_classifier.onnx'
    onnx.save(model, path)
    return path
