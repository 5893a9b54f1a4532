"""Non-standard ONNX operators are found, subgraphs included, and named in the error."""

import onnx
import pytest
from onnx import TensorProto, helper

from shufflenet_det.export import NonStandardOpError, check_standard_ops


def model_with(nodes: list[onnx.NodeProto]) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, 'g', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1])])
    return helper.make_model(graph)


def test_standard_graph_passes():
    check_standard_ops(model_with([helper.make_node('Relu', ['x'], ['y'], name='relu')]))


def test_custom_domain_node_is_named_with_its_domain():
    model = model_with([helper.make_node('MMCVRoIAlign', ['x'], ['y'], name='/roi/align', domain='mmcv')])
    with pytest.raises(NonStandardOpError, match=r'mmcv::MMCVRoIAlign \(1 node\(s\), first /roi/align\)'):
        check_standard_ops(model)


def test_custom_node_inside_a_subgraph_is_found():
    inner = helper.make_graph([helper.make_node('NMSRotated', ['x'], ['z'], name='inner', domain='mmdeploy')],
                              'then', [], [helper.make_tensor_value_info('z', TensorProto.FLOAT, [1])])
    branch = helper.make_node('If', ['x'], ['y'], name='if', then_branch=inner, else_branch=inner)
    with pytest.raises(NonStandardOpError, match='mmdeploy::NMSRotated'):
        check_standard_ops(model_with([branch]))
